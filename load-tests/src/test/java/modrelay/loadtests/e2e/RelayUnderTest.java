package modrelay.loadtests.e2e;

import java.util.HashMap;
import java.util.Map;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.relay.RelayServer;

/** A relay started on 127.0.0.1:0 with the given environment, stopped gracefully on close. */
final class RelayUnderTest implements AutoCloseable {
    final RelayServer server;
    final String baseUrl;

    private RelayUnderTest(RelayServer server) {
        this.server = server;
        this.baseUrl = "http://127.0.0.1:" + server.port();
    }

    static RelayUnderTest start(String upstreamUrl, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("UPSTREAM_URL", upstreamUrl);
        // Most tests here run with server keys and no proxy key; the refusal to start open has tests of its own.
        all.putIfAbsent("ALLOW_OPEN_RELAY", "true");
        Settings settings = SettingsLoader.load(all).listeningOn("127.0.0.1", 0);
        return new RelayUnderTest(RelayServer.start(settings).toCompletableFuture().join());
    }

    /** The OpenAI base URL a client uses: the relay plus /v1 (plus the route prefix when one is set). */
    String v1() {
        return baseUrl + "/v1";
    }

    @Override
    public void close() {
        server.close();
    }
}
