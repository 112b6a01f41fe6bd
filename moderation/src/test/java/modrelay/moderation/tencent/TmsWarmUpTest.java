package modrelay.moderation.tencent;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import modrelay.config.Secret;
import modrelay.config.TencentSettings;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The warm-up against a tiny HTTP server on 127.0.0.1:0 that records every request: one {@code GET /},
 * no TextModeration call (nothing billed), the caller never waits for it, and a failure is one log line.
 */
class TmsWarmUpTest {
    private static final String SECRET_ID = "AKIDwarmUpTestSecretId000000000000";
    private static final String SECRET_KEY = "warmUpTestSecretKey0000000000000";
    private static final String PASS = "{\"Response\":{\"Suggestion\":\"Pass\",\"Label\":\"Normal\",\"SubLabel\":\"\",\"Score\":0,"
            + "\"Keywords\":[],\"DetailResults\":[],\"RequestId\":\"rid-1\"}}";

    /** One request as the server saw it: method, path, TMS action header (or null), the client's port. */
    private record Seen(String method, String path, String action, int clientPort) {}

    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private HttpServer server;
    private TencentModerator moderator;

    private void serve(CountDownLatch arrived, CountDownLatch release) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("X-TC-Action"), exchange.getRemoteAddress().getPort()));
            exchange.getRequestBody().readAllBytes();
            arrived.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Any POST gets a TMS Pass (a real call); a GET gets 404, as a service without a web page would answer.
            if (exchange.getRequestMethod().equals("POST")) reply(exchange, 200, PASS);
            else reply(exchange, 404, "not found");
        });
        server.start();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length); // a known length keeps the connection alive
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private TencentModerator moderator(String endpoint) {
        moderator = new TencentModerator(new TencentSettings(Secret.of(SECRET_ID), Secret.of(SECRET_KEY), "ap-singapore",
                endpoint, "http://", "", Duration.ofSeconds(2), 4, 1000, 4));
        return moderator;
    }

    @AfterEach
    void stop() {
        if (moderator != null) moderator.close();
        if (server != null) server.stop(0);
    }

    @Test
    void warmsUpWithOneGetOfTheRootAndNoTextModerationCall() throws Exception {
        serve(new CountDownLatch(1), new CountDownLatch(0));
        TencentModerator m = moderator("127.0.0.1:" + server.getAddress().getPort());

        assertTrue(m.warmUp().toCompletableFuture().get(20, TimeUnit.SECONDS), "the endpoint answered");
        // The dry calls run before the GET on the same thread: once it is done, nothing else is coming.
        List<Seen> warmUp = List.copyOf(seen);
        assertEquals(1, warmUp.size(), warmUp.toString());
        assertEquals("GET", warmUp.get(0).method());
        assertEquals("/", warmUp.get(0).path());
        assertNull(warmUp.get(0).action(), "no API action: nothing billed");

        // The first real call finds the connection the warm-up opened (no connect, no handshake of its own).
        Verdict v = m.moderate("Hello there.", ModerationContext.NONE).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(Suggestion.PASS, assertInstanceOf(Verdict.Judged.class, v).suggestion());
        List<Seen> all = List.copyOf(seen);
        assertEquals(2, all.size(), all.toString());
        assertEquals("TextModeration", all.get(1).action());
        assertEquals(warmUp.get(0).clientPort(), all.get(1).clientPort(), "same TCP connection as the warm-up");
    }

    @Test
    void theCallerNeverWaitsForTheWarmUp() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        serve(arrived, release);
        TencentModerator m = moderator("127.0.0.1:" + server.getAddress().getPort());

        CompletableFuture<Boolean> warmUp = m.warmUp().toCompletableFuture();
        assertTrue(arrived.await(20, TimeUnit.SECONDS), "the GET arrived");
        assertFalse(warmUp.isDone(), "warmUp() returned while the endpoint still holds its GET");
        release.countDown();
        assertTrue(warmUp.get(20, TimeUnit.SECONDS));
    }

    @Test
    void anUnreachableEndpointIsOneLogLineWithoutSecretsNotAFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Logger logger = (Logger) LoggerFactory.getLogger(TmsWarmUp.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            assertFalse(moderator("127.0.0.1:" + closedPort).warmUp().toCompletableFuture().get(20, TimeUnit.SECONDS));
        } finally {
            logger.detachAppender(lines);
        }
        List<ILoggingEvent> infos = lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
        assertEquals(1, infos.size(), infos.toString());
        String line = infos.get(0).getFormattedMessage();
        assertTrue(line.contains("127.0.0.1:" + closedPort), line);
        assertFalse(line.contains(SECRET_ID) || line.contains(SECRET_KEY), line);
    }
}
