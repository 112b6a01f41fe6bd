package modrelay.loadtests.access;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.relay.RelayServer;
import modrelay.relay.access.AccessOptions;

/**
 * A relay on 127.0.0.1:0 with the given environment and clock. POST /admin/reload re-reads
 * {@link #env}, which a test may change, as an operator changes a config file.
 */
final class AccessRelay implements AutoCloseable {
    final RelayServer server;
    final String baseUrl;
    final Map<String, String> env;

    private AccessRelay(RelayServer server, Map<String, String> env) {
        this.server = server;
        this.baseUrl = "http://127.0.0.1:" + server.port();
        this.env = env;
    }

    static AccessRelay start(String upstreamUrl, Map<String, String> env, Clock clock) {
        Map<String, String> all = new ConcurrentHashMap<>(env);
        all.putIfAbsent("UPSTREAM_URL", upstreamUrl);
        // Tests here run with server keys and no proxy key; the refusal to start open has tests of its own.
        all.putIfAbsent("ALLOW_OPEN_RELAY", "true");
        Settings settings = SettingsLoader.load(all).listeningOn("127.0.0.1", 0);
        AccessOptions options = new AccessOptions(clock,
                () -> SettingsLoader.loadAccess(com.typesafe.config.ConfigFactory.load(), all));
        return new AccessRelay(RelayServer.start(settings, options).toCompletableFuture().join(), all);
    }

    String v1() {
        return baseUrl + "/v1";
    }

    @Override
    public void close() {
        server.close();
    }
}
