package modrelay.loadtests.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SIGTERM (coordinated shutdown): stop accepting, let running streams finish up to the deadline, then end them. */
class GracefulShutdownTest {
    @RegisterExtension
    final RelayFixture relays = RelayFixture.lazy(RelaySpec.withFakeUpstream());

    @Test
    void aRunningStreamFinishesAndNewConnectionsAreRefused() throws Exception {
        RunningRelay relay = relays.start(s -> s.env(Map.of("SHUTDOWN_DEADLINE", "20s")));
        int port = relay.port();
        try (RawStream s = new RawStream(port, "/v1/chat/completions", "Bearer sk-a",
                TestHttp.chatBody("one two three four five six seven eight", true), "x-fake-token-interval-ms", "150")) {
            s.readUntil("\"content\":\"one \"");
            CompletableFuture<?> stopped = relay.server().stop().toCompletableFuture();
            String all = s.readUntil("[DONE]");
            assertTrue(all.contains("\"content\":\"eight\""), all);
            stopped.get(20, TimeUnit.SECONDS);
        }
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void streamsStillRunningAtTheDeadlineAreEnded() throws Exception {
        RunningRelay relay = relays.start(s -> s.env(Map.of("SHUTDOWN_DEADLINE", "500ms")));
        try (RawStream s = new RawStream(relay.port(), "/v1/chat/completions", "Bearer sk-a",
                TestHttp.chatBody("word ".repeat(200), true), "x-fake-token-interval-ms", "100")) {
            s.readUntil("\"content\":\"word \"");
            relay.server().stop().toCompletableFuture().get(20, TimeUnit.SECONDS);
            // The upstream request of the ended stream is cancelled, not left running.
            relay.upstream().whenOpenConnectionsAtMost(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(0, relay.upstream().streamsCompleted());
        }
    }
}
