package modrelay.relay.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import modrelay.config.ModelRoute;
import modrelay.config.UpstreamEndpoint;
import modrelay.config.UpstreamKind;

/** Builds upstream declarations for tests: {@code "gpt-4o*"} or {@code "deepseek-chat=deepseek-v3"}. */
final class Upstreams {
    private Upstreams() {}

    static UpstreamEndpoint openai(String name, int priority, int weight, String... models) {
        return endpoint(name, UpstreamKind.OPENAI, priority, weight, models);
    }

    static UpstreamEndpoint azure(String name, String... models) {
        return endpoint(name, UpstreamKind.AZURE, 0, 1, models);
    }

    private static UpstreamEndpoint endpoint(String name, UpstreamKind kind, int priority, int weight, String... models) {
        List<ModelRoute> routes = new ArrayList<>();
        for (String m : models) {
            int eq = m.indexOf('=');
            routes.add(eq < 0 ? ModelRoute.of(m) : new ModelRoute(m.substring(0, eq), Optional.of(m.substring(eq + 1))));
        }
        // As the configuration orders them: exact names first, then globs.
        routes.sort(java.util.Comparator.comparing(ModelRoute::isGlob));
        URI url = URI.create("http://" + name + ".example");
        return new UpstreamEndpoint(name, kind, url, URI.create(url + "/v1"), List.of(), routes, weight, priority,
                kind == UpstreamKind.AZURE ? "2024-10-21" : "");
    }
}
