package modrelay.relay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.model.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.config.SafetySettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The edge's own stage on each connection: exchanges pass, closeAll closes idle kept-alive connections and later ones. */
class EdgeTest {
    static ActorSystem<Void> system;
    static Edge edge;

    @BeforeAll
    static void start() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "EdgeTest");
        edge = Edge.bind(system, "127.0.0.1", 0, request -> CompletableFuture.completedFuture(HttpResponse.create().withEntity("ok")),
                        new SafetySettings(false, Duration.ofSeconds(10), 100), Duration.ofSeconds(60), address -> false,
                        () -> ConnectionScope.NONE)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", edge.localAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads one response with a 2-byte body ("ok") and returns its text. */
    private static String exchange(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\nok")) {
            int b = in.read();
            if (b < 0) break;
            got.write(b);
        }
        return got.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void aKeptAliveConnectionServesExchangesUntilTheRelayClosesItsConnections() throws Exception {
        try (Socket s = connect()) {
            assertTrue(exchange(s).startsWith("HTTP/1.1 200 OK"));
            assertTrue(exchange(s).startsWith("HTTP/1.1 200 OK"), "kept alive");
            edge.closeAll();
            assertEquals(-1, s.getInputStream().read(), "closed by the relay");
        }
        // One that connects after closeAll is closed at once (it sends nothing: unread bytes would turn the close into a reset).
        try (Socket late = connect()) {
            assertEquals(-1, late.getInputStream().read());
        }
    }
}
