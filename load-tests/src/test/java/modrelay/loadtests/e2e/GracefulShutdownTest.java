package modrelay.loadtests.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SIGTERM (coordinated shutdown): stop accepting, let running streams finish up to the deadline, then end them. */
class GracefulShutdownTest {
    private FakeUpstream upstream;

    @AfterEach
    void stop() {
        if (upstream != null) upstream.close();
    }

    @Test
    void aRunningStreamFinishesAndNewConnectionsAreRefused() throws Exception {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults());
        RelayUnderTest relay = RelayUnderTest.start(upstream.baseUrl(), Map.of("SHUTDOWN_DEADLINE", "20s"));
        int port = relay.server.port();
        try (RawStream s = new RawStream(port, "/v1/chat/completions", "Bearer sk-a",
                Http.chatBody("one two three four five six seven eight", true), "x-fake-token-interval-ms", "150")) {
            s.readUntil("\"content\":\"one \"");
            CompletableFuture<?> stopped = relay.server.stop().toCompletableFuture();
            String all = s.readUntil("[DONE]");
            assertTrue(all.contains("\"content\":\"eight\""), all);
            stopped.get(20, TimeUnit.SECONDS);
        }
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void streamsStillRunningAtTheDeadlineAreEnded() throws Exception {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults());
        RelayUnderTest relay = RelayUnderTest.start(upstream.baseUrl(), Map.of("SHUTDOWN_DEADLINE", "500ms"));
        try (RawStream s = new RawStream(relay.server.port(), "/v1/chat/completions", "Bearer sk-a",
                Http.chatBody("word ".repeat(200), true), "x-fake-token-interval-ms", "100")) {
            s.readUntil("\"content\":\"word \"");
            relay.server.stop().toCompletableFuture().get(20, TimeUnit.SECONDS);
            // The upstream request of the ended stream is cancelled, not left running.
            upstream.whenOpenConnectionsAtMost(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(0, upstream.streamsCompleted());
        }
    }
}
