package modrelay.loadtests.e2e;

import modrelay.loadtests.fixture.RawConnection;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fixture.ChatLog;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM at the edges: streams left at the deadline, kept-alive connections, the chat log's last lines. */
class ShutdownEdgesTest {
    @RegisterExtension
    final RelayFixture relays = RelayFixture.lazy(RelaySpec.withFakeUpstream());

    @Test
    void aStreamStillRunningAtTheDeadlineEndsWithAnErrorEventAndItsChatLogLine(@TempDir Path logs) throws Exception {
        RunningRelay relay = relays.start(s -> s.env(Map.of("SHUTDOWN_DEADLINE", "500ms",
                "LOG_CHAT", "true", "LOG_DIR", logs.toString())));
        String all;
        try (RawStream s = new RawStream(relay.port(), "/v1/chat/completions", "Bearer sk-a",
                TestHttp.chatBody("word ".repeat(300), true), "x-fake-token-interval-ms", "50", "X-Request-Id", "cut-at-deadline")) {
            s.readUntil("\"content\":\"word \"");
            relay.server().stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
            // Not a reset: the chunked body ends properly, its last event the relay's error.
            all = s.readToEnd();
        }
        assertTrue(all.contains("data: {\"error\":{"), all);
        assertTrue(all.contains("\"code\":\"shutting_down\""), all);
        int error = all.lastIndexOf("\"code\":\"shutting_down\"");
        assertFalse(all.substring(error).contains("\"content\":"), "nothing after the error event");
        assertEquals(0, relay.upstream().streamsCompleted(), "the upstream stream was cancelled, not run to its end");

        JsonNode entry = ChatLog.entry(ChatLog.chatEntries(logs), "cut-at-deadline");
        assertEquals("shutdown", entry.get("outcome").asText());
        assertTrue(entry.get("reply").asText().startsWith("word "), entry.toString());
    }

    @Test
    void afterSigtermAKeptAliveConnectionStartsNoNewExchange() throws Exception {
        RunningRelay relay = relays.start(s -> s.env(Map.of("SHUTDOWN_DEADLINE", "20s")));
        int port = relay.port();
        try (RawConnection kept = new RawConnection(port);
                RawStream running = new RawStream(port, "/v1/chat/completions", "Bearer sk-a",
                        TestHttp.chatBody("one two three four five six", true), "x-fake-token-interval-ms", "300")) {
            assertTrue(kept.get("/healthz").startsWith("HTTP/1.1 200"));
            running.readUntil("\"content\":\"one \"");
            CompletableFuture<?> stopped = relay.server().stop().toCompletableFuture();
            awaitRefusingNewConnections(port);

            String answer = kept.get("/v1/models");
            assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
            assertTrue(answer.contains("\"code\":\"shutting_down\""), answer);
            assertTrue(kept.awaitClosedByRelay(), "the relay closes the kept-alive connection after saying so");
            assertEquals(1, relay.upstream().requests().size(), "the refused exchange never reached the upstream");

            String rest = running.readUntil("[DONE]");
            assertTrue(rest.contains("\"content\":\"six\""), "the running stream still finishes: " + rest);
            stopped.get(30, TimeUnit.SECONDS);
        }
    }

    /** The port closes once the relay has unbound, after it switched its kept-alive connections to draining. */
    private static void awaitRefusingNewConnections(int port) {
        for (int i = 0; i < 10_000; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                // still accepting
            } catch (java.io.IOException refused) {
                return;
            }
        }
        throw new AssertionError("the relay kept accepting connections after SIGTERM");
    }
}
