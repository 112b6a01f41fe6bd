package modrelay.loadtests.compat;

import java.util.Map;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.relay.RelayServer;

/**
 * A relay started on 127.0.0.1:0 from exactly the environment given (no UPSTREAM_URL or ALLOW_OPEN_RELAY
 * added, unlike e2e's starter: these tests are about what a seed project's environment does by itself).
 */
final class CompatRelay implements AutoCloseable {
    final Settings settings;
    final RelayServer server;

    private CompatRelay(Settings settings, RelayServer server) {
        this.settings = settings;
        this.server = server;
    }

    static CompatRelay start(Map<String, String> env) {
        Settings settings = SettingsLoader.load(env);
        return new CompatRelay(settings, RelayServer.start(settings.listeningOn("127.0.0.1", 0)).toCompletableFuture().join());
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
