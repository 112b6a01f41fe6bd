package modrelay.loadtests.routing;

import static modrelay.loadtests.fixture.TestHttp.chat;
import static modrelay.loadtests.fixture.TestHttp.json;
import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.ClosingUpstream;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RawConnection;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UPSTREAM_PAIR_CONNECTIONS: from its second request on, a kept-alive client connection is served by an upstream
 * connection of its own. It is reused while the client connection lasts, closed with it or after UPSTREAM_KEEP_ALIVE
 * idle, and at most UPSTREAM_MAX_CONNECTIONS exist (past that, the pool serves).
 */
class PairedConnectionTest {
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private FakeUpstream upstream;
    private RunningRelay relay;

    private void start(String... env) {
        upstream = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
        String[] all = new String[env.length + 4];
        all[0] = "UPSTREAM_URL";
        all[1] = upstream.baseUrl();
        all[2] = "OPENAI_KEY";
        all[3] = "sk-only";
        System.arraycopy(env, 0, all, 4, env.length);
        relay = relays.start(RelaySpec.withoutFakes().env(all));
    }

    /** One chat completion on the raw connection; returns the reply's text after checking the status. */
    private static String ask(RawConnection c, String reply) throws Exception {
        post(c, chat("gpt-4o", reply, false), "");
        String response = c.readResponse();
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        return json(response.substring(response.indexOf("\r\n\r\n") + 4)).at("/choices/0/message/content").asText();
    }

    /** Sends a chat completion request on the raw connection, {@code extraHeaders} ("name: value\r\n"…) among its headers. */
    private static void post(RawConnection c, String json, String extraHeaders) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extraHeaders
                + "Content-Length: " + body.length + "\r\n\r\n");
        c.send(body);
    }

    /** Two client connections asking in turn, {@code rounds} times each. */
    private void alternate(int rounds) throws Exception {
        try (RawConnection a = new RawConnection(relay.port()); RawConnection b = new RawConnection(relay.port())) {
            for (int i = 0; i < rounds; i++) {
                assertEquals("a" + i + ".", ask(a, "a" + i + "."));
                assertEquals("b" + i + ".", ask(b, "b" + i + "."));
            }
        }
    }

    @Test
    void aKeptAliveClientConnectionIsServedByOneUpstreamConnectionOfItsOwn() throws Exception {
        start("UPSTREAM_KEEP_ALIVE", "1h");
        try (RawConnection first = new RawConnection(relay.port())) {
            for (int i = 0; i < 6; i++) assertEquals("first " + i + ".", ask(first, "first " + i + "."));
            // The first request took the pool; the five after it went on one connection paired with this client's.
            assertEquals(2, upstream.connectionsAccepted());
            assertTrue(relay.get("/metrics").body().contains("modrelay_upstream_paired_connections 1.0"), "the gauge counts it");
            try (RawConnection second = new RawConnection(relay.port())) {
                for (int i = 0; i < 3; i++) assertEquals("second " + i + ".", ask(second, "second " + i + "."));
                for (int i = 0; i < 3; i++) assertEquals("again " + i + ".", ask(first, "again " + i + "."));
            }
            // The second client's first request reused the pool's idle connection; then it got its own.
            assertEquals(3, upstream.connectionsAccepted());
            // Its pair closes with it; the pool's and the first client's stay.
            upstream.whenOpenConnectionsAtMost(2).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        upstream.whenOpenConnectionsAtMost(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, upstream.openConnections(), "the pool's connection stays for the keep-alive");
    }

    @Test
    void anIdlePairedConnectionIsClosedAfterTheKeepAliveAndTheNextRequestGetsANewOne() throws Exception {
        start("UPSTREAM_KEEP_ALIVE", "300ms");
        try (RawConnection c = new RawConnection(relay.port())) {
            for (int i = 0; i < 3; i++) assertEquals("x" + i + ".", ask(c, "x" + i + "."));
            // The client connection stays open and idle: the relay closes both upstream connections anyway.
            upstream.whenOpenConnectionsAtMost(0).toCompletableFuture().get(20, TimeUnit.SECONDS);
            int before = upstream.connectionsAccepted();
            assertEquals("after.", ask(c, "after."));
            assertEquals(before + 1, upstream.connectionsAccepted(), "one new connection, no failed attempt on the closed one");
        }
    }

    @Test
    void pastTheBudgetRequestsTakeThePool() throws Exception {
        start("UPSTREAM_MAX_CONNECTIONS", "1", "UPSTREAM_KEEP_ALIVE", "1h");
        alternate(4);
        // One pooled connection and one paired (a's); b, finding the budget spent, stayed on the pool.
        assertEquals(2, upstream.connectionsAccepted());
    }

    @Test
    void aStreamReadToItsEndLeavesThePairedConnectionForTheNextRequest() throws Exception {
        start("UPSTREAM_KEEP_ALIVE", "1h");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 4; i++) {
            boolean stream = i % 2 == 1;
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(relay.url("/v1/chat/completions")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(chat("gpt-4o", "Turn " + i + ". Done.", stream))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            if (stream) {
                assertTrue(r.body().contains("data: [DONE]"), r.body());
            } else {
                assertEquals("Turn " + i + ". Done.", json(r.body()).at("/choices/0/message/content").asText());
            }
        }
        assertEquals(2, upstream.connectionsAccepted(), "the pool's, then one paired connection for turns 1 to 3");
        assertEquals(2, upstream.streamsCompleted());
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerIsNotRetriedForAndItsPairClosesAfterTheAnswer() throws Exception {
        start("UPSTREAM_KEEP_ALIVE", "1h");
        try (RawConnection c = new RawConnection(relay.port())) {
            assertEquals("one.", ask(c, "one."));
            post(c, chat("gpt-4o", "late.", false), "x-fake-delay-headers-ms: 1500\r\n");
            upstream.whenRequestsReceived(2).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        // The pair is closed once its late answer has come and been cut, not before: an upstream connection closed under
        // a waiting request is what the relay retries, and there is no client to retry for.
        upstream.whenOpenConnectionsAtMost(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(2, posts(), "the request was sent once");
        assertEquals(2, upstream.connectionsAccepted(), "the pool's and the pair: no connection for a retry");
    }

    @Test
    void anUpstreamThatClosesThePairAfterEachAnswerStillAnswersEveryRequest() throws Exception {
        ClosingUpstream closing = relays.own(ClosingUpstream.start(ClosingUpstream.Mode.ANSWER_FIRST_THEN_CLOSE));
        relay = relays.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", closing.baseUrl(), "OPENAI_KEY", "sk-only",
                "UPSTREAM_KEEP_ALIVE", "1h"));
        try (RawConnection c = new RawConnection(relay.port())) {
            // Whether the relay sees the close before the next request (a new pair) or meets it (one retry on a new
            // connection), the client gets its answer.
            for (int i = 0; i < 5; i++) assertEquals(ClosingUpstream.ANSWER, ask(c, "x."), "request " + i);
        }
        assertEquals(5, closing.answered());
    }

    private long posts() {
        return upstream.requests().stream().filter(r -> r.method().equals("POST")).count();
    }

    @Test
    void aStreamTheClientCutsOnAPairedConnectionCancelsTheUpstreamAndClosesThePair() throws Exception {
        start("UPSTREAM_KEEP_ALIVE", "1h");
        try (RawConnection c = new RawConnection(relay.port())) {
            assertEquals("one.", ask(c, "one."));
            post(c, chat("gpt-4o", "a b c d e f g h i j k l m n o p q r s t u v w x y z.", true), "x-fake-token-interval-ms: 200\r\n");
            upstream.whenStreamsStarted(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(c.socket.getInputStream().read(new byte[256]) > 0, "the stream began");
            assertEquals(2, upstream.connectionsAccepted(), "the stream went on the pair");
        }
        upstream.whenStreamsCancelled(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // The pool's connection stays for the keep-alive; the pair went with the cut stream.
        upstream.whenOpenConnectionsAtMost(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(0, upstream.streamsCompleted());
    }

    @Test
    void withPairingOffEveryRequestTakesThePool() throws Exception {
        start("UPSTREAM_PAIR_CONNECTIONS", "false", "UPSTREAM_KEEP_ALIVE", "1h");
        alternate(3);
        assertEquals(1, upstream.connectionsAccepted());
    }
}
