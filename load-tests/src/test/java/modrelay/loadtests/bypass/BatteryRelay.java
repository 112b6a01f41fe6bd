package modrelay.loadtests.bypass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import modrelay.config.SettingsLoader;
import modrelay.relay.RelayServer;

/**
 * A relay as an operator who must not show blocked text runs it: {@code MODERATION_MIN=high} (no request can
 * lower it) and the keyword moderator listing the blocked terms, in front of the given upstream.
 */
final class BatteryRelay implements AutoCloseable {
    static final String TERM = "zorblax";
    static final String HAN_TERM = "紫色独角兽";
    static final String UNAVAILABLE = "内容审核暂不可用，回答已中止。";

    final RelayServer server;

    private BatteryRelay(RelayServer server) {
        this.server = server;
    }

    static BatteryRelay start(String upstreamUrl, Path dir, Map<String, String> extra) throws IOException {
        Path keywords = dir.resolve("blocked-terms.txt");
        Files.writeString(keywords, TERM + "\n" + HAN_TERM + "\n");
        Map<String, String> env = new HashMap<>(Map.of(
                "UPSTREAM_URL", upstreamUrl,
                "MODERATION_MIN", "high",
                "MODERATION_KEYWORDS_FILE", keywords.toString(),
                // a frame is judged once its first text waited this long: the pause probes split a term across frames
                "MODERATION_MAX_HOLD", "100ms",
                "HEARTBEAT_INTERVAL", "5s"));
        env.putAll(extra);
        return new BatteryRelay(RelayServer.start(SettingsLoader.load(env).listeningOn("127.0.0.1", 0))
                .toCompletableFuture().join());
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
