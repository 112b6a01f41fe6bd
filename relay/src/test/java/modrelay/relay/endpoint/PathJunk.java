package modrelay.relay.endpoint;

import java.util.List;
import java.util.function.UnaryOperator;

/** What a hostile client adds to a path hoping a lenient upstream reads it as another endpoint. */
public final class PathJunk {
    private PathJunk() {}

    public static final List<UnaryOperator<String>> ALL = List.of(
            p -> p + "/..", p -> p + "/.", p -> p + "/..;", p -> p + ";x", p -> p + ".json", p -> p + "/x",
            p -> p + "/x/..", p -> p + "%00", p -> p + " ", p -> p + "\\", p -> "/v1/models/.." + p,
            p -> "/v1/models/x/../.." + p, p -> "/v1/files/x/.." + p, p -> "/v1/models/%2e%2e" + p,
            p -> "/v1/responses/x/../.." + p, p -> "/v1/chat/completions/..;" + p,
            p -> p.replaceFirst("/", "/./"), p -> p.replaceFirst("/([a-z_]+)", "/$1;v=1"), p -> "/v1/v1" + p,
            p -> "/openai/deployments/.." + p, p -> "/openai/deployments/x" + p + "/..");

    /** The endpoint's own path under /v1 with plain ids. */
    public static String concrete(Endpoint e) {
        return "/v1" + e.path().replaceAll("\\{[a-z]+\\*?}", "id_1");
    }
}
