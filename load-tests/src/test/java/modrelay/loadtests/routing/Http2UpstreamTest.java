package modrelay.loadtests.routing;

import static modrelay.loadtests.fixture.TestHttp.chat;
import static org.junit.jupiter.api.Assertions.*;

import akka.http.javadsl.ConnectionContext;
import java.io.InputStream;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import modrelay.loadtests.fixture.TestTls;
import org.junit.jupiter.api.io.TempDir;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RawConnection;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UPSTREAM_HTTP2: exchanges share HTTP/2 connections to the upstream (here h2c, prior knowledge), at most
 * UPSTREAM_HTTP2_STREAMS on one; a cut stream resets its own HTTP/2 stream (the upstream stops) and leaves the others
 * on that connection running; whatever the relay cannot do over HTTP/2 is a clear OpenAI-shaped error.
 */
class Http2UpstreamTest {
    private static final String LONG = "a b c d e f g h i j k l m n o p q r s t u v w x y z.";

    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private FakeUpstream upstream;
    private RunningRelay relay;

    private void start(RelaySpec spec, String... env) {
        upstream = relays.own(FakeUpstream.startHttp2(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
        relay = relays.start(spec.env("UPSTREAM_URL", upstream.baseUrl(), "OPENAI_KEY", "sk-only", "UPSTREAM_HTTP2", "true")
                .env("UPSTREAM_KEEP_ALIVE", "1h").env(env));
    }

    private void start(String... env) {
        start(RelaySpec.withoutFakes(), env);
    }

    private HttpResponse<String> ask(String reply, boolean stream, String... headers) throws Exception {
        return relay.post("/v1/chat/completions", chat("gpt-4o", reply, stream), headers);
    }

    /** Opens a slow stream on a connection of its own and reads until its first bytes arrived. */
    private RawConnection openSlowStream(String reply) throws Exception {
        RawConnection c = new RawConnection(relay.port());
        byte[] body = chat("gpt-4o", reply, true).getBytes(StandardCharsets.UTF_8);
        c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "x-fake-token-interval-ms: 100\r\nContent-Length: " + body.length + "\r\n\r\n");
        c.send(body);
        assertTrue(c.socket.getInputStream().read(new byte[256]) > 0, "the stream began");
        return c;
    }

    /** {@code n} streams sent at once, each of them slow enough to overlap the others; asserts each arrived whole. */
    private void streamsAtOnce(int n, String name) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            streams.add(TestHttp.sendAsync(TestHttp.postRequest(relay.url("/v1/chat/completions"), null,
                    chat("gpt-4o", name + " " + i + " speaks slowly here.", true), "x-fake-token-interval-ms", "50")));
        }
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = streams.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(name + " " + i + " speaks slowly here.", TestHttp.sseText(r.body()));
            assertTrue(TestHttp.sseDone(r.body()), r.body());
        }
    }

    private String metric(String name) throws Exception {
        return relay.get("/metrics").body().lines().filter(l -> l.startsWith(name + " ")).findFirst().orElse("");
    }

    @Test
    void answersAndStreamsArriveWhole() throws Exception {
        start();
        HttpResponse<String> plain = ask("Over HTTP/2.", false);
        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals("Over HTTP/2.", TestHttp.body(plain).at("/choices/0/message/content").asText());
        HttpResponse<String> stream = ask("One. Two. Three.", true);
        assertEquals(200, stream.statusCode(), stream.body());
        assertEquals("One. Two. Three.", TestHttp.sseText(stream.body()));
        assertTrue(TestHttp.sseDone(stream.body()), stream.body());
        assertEquals("text/event-stream", stream.headers().firstValue("content-type").orElse("").split(";")[0]);
        assertEquals(1, upstream.connectionsAccepted(), "both went on one HTTP/2 connection");
        assertEquals("modrelay_upstream_http2_connections 1.0", metric("modrelay_upstream_http2_connections"));
    }

    @Test
    void withStreamsOnlyStreamsGoOverHttp2AndOtherRequestsOverHttp11() throws Exception {
        start("UPSTREAM_HTTP2", "streams");
        assertEquals(200, ask("Plain.", false).statusCode());
        streamsAtOnce(3, "Stream");
        // The plain request's HTTP/1.1 connection, and one HTTP/2 connection for the three streams at once (over
        // HTTP/1.1 alone they would have needed three).
        assertEquals(2, upstream.connectionsAccepted());
        assertEquals("modrelay_upstream_http2_connections 1.0", metric("modrelay_upstream_http2_connections"));
    }

    @Test
    void concurrentStreamsShareConnectionsUpToTheStreamLimit() throws Exception {
        start("UPSTREAM_HTTP2_STREAMS", "4");
        streamsAtOnce(10, "Stream");
        // Ten at once, four per connection: three connections, where HTTP/1.1 needs ten.
        assertEquals(3, upstream.connectionsAccepted());
        assertEquals(10, upstream.streamsCompleted());
    }

    @Test
    void whenNoConnectionMayOpenRequestsWaitOnTheOpenOnesUpToTwiceTheStreamLimit() throws Exception {
        start("UPSTREAM_MAX_CONNECTIONS", "1", "UPSTREAM_HTTP2_STREAMS", "1");
        try (RawConnection first = openSlowStream("First " + LONG); RawConnection second = openSlowStream("Second " + LONG)) {
            // Both are on the one connection the budget allows; a third finds it full twice over.
            upstream.whenStreamsStarted(2).toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpResponse<String> third = ask("Third.", false);
            var error = TestHttp.error(third, 502);
            assertTrue(error.path("message").asText().contains("full"), third.body());
        }
        upstream.whenStreamsCancelled(2).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // Once they are gone, the connection takes requests again.
        HttpResponse<String> after = ask("After.", false);
        assertEquals(200, after.statusCode(), after.body());
        assertEquals(1, upstream.connectionsAccepted());
    }

    @Test
    void anUpstreamThatGoesAwayBeforeAnsweringIsABadGatewayNotAWaitForTheDeadline() throws Exception {
        start("TIMEOUT", "60s");
        CompletableFuture<HttpResponse<String>> waiting = TestHttp.sendAsync(TestHttp.postRequest(relay.url("/v1/chat/completions"),
                null, chat("gpt-4o", "Never sent.", false), "x-fake-delay-headers-ms", "50000"));
        upstream.whenRequestsReceived(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        upstream.close();
        // Its connection ended: the exchange fails as one on a closed connection does (a retry, which finds no upstream).
        HttpResponse<String> r = waiting.get(30, TimeUnit.SECONDS);
        TestHttp.error(r, 502);
    }

    @Test
    void aStreamTheClientCutsResetsOnlyItsOwnUpstreamStream() throws Exception {
        start();
        try (RawConnection stays = openSlowStream("Stays " + LONG)) {
            try (RawConnection leaves = openSlowStream("Leaves " + LONG)) {
                upstream.whenStreamsStarted(2).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(1, upstream.connectionsAccepted(), "both streams share one connection");
            }
            upstream.whenStreamsCancelled(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
            // The other stream on that connection runs to its end.
            InputStream in = stays.socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (seen.indexOf("[DONE]") < 0) {
                int n = in.read(buf);
                if (n < 0) throw new AssertionError("the stream that stayed was cut: " + seen);
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        }
        upstream.whenStreamsCompleted(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, upstream.streamsCancelled());
        assertEquals(1, upstream.connectionsAccepted());
    }

    @Test
    void aBlockedStreamIsCutAndItsUpstreamStreamReset() throws Exception {
        start(RelaySpec.withoutFakes().withKeywords("forbidden"), "MODERATION_DEFAULT", "high");
        HttpResponse<String> r = ask("A clean start. Then a forbidden sentence. " + LONG, true, "x-fake-token-interval-ms", "100");
        assertEquals(200, r.statusCode(), r.body());
        String text = TestHttp.sseText(r.body());
        assertTrue(text.startsWith("A clean start."), text);
        assertFalse(text.contains("forbidden"), text);
        assertEquals("content_filter", TestHttp.sseFinishReason(r.body()));
        upstream.whenStreamsCancelled(1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(0, upstream.streamsCompleted());
    }

    @Test
    void anExchangeOutOfTimeIsA504AndItsConnectionTakesNoMoreRequests() throws Exception {
        start("TIMEOUT", "300ms");
        assertEquals(200, ask("First.", false).statusCode());
        HttpResponse<String> late = ask("Late.", false, "x-fake-delay-headers-ms", "3000");
        TestHttp.error(late, 504);
        // The late exchange may hold its HTTP/2 stream until the answer comes: new requests take a new connection.
        HttpResponse<String> next = ask("Next.", false);
        assertEquals(200, next.statusCode(), next.body());
        assertEquals("Next.", TestHttp.body(next).at("/choices/0/message/content").asText());
        assertEquals(2, upstream.connectionsAccepted());
    }

    @Test
    void overTlsHttp2IsAgreedByAlpnAndStreamsShareTheConnection(@TempDir Path dir) throws Exception {
        TestTls tls = TestTls.create(dir);
        // The relay's client takes the JVM's default context: for this test, one that trusts the fake's certificate.
        SSLContext before = SSLContext.getDefault();
        SSLContext.setDefault(tls.client());
        try {
            upstream = relays.own(FakeUpstream.startHttp2(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO),
                    ConnectionContext.httpsServer(tls.server())));
            assertTrue(upstream.baseUrl().startsWith("https://"), upstream.baseUrl());
            relay = relays.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", upstream.baseUrl(), "OPENAI_KEY", "sk-only",
                    "UPSTREAM_HTTP2", "true", "UPSTREAM_KEEP_ALIVE", "1h"));
            streamsAtOnce(3, "Secure");
            // Three streams at once on one connection: HTTP/1.1 would have needed three.
            assertEquals(1, upstream.connectionsAccepted());
        } finally {
            SSLContext.setDefault(before);
        }
    }

    @Test
    void anUpstreamThatDoesNotSpeakHttp2IsAClearBadGateway() throws Exception {
        FakeUpstream http11 = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults()));
        relay = relays.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", http11.baseUrl(), "OPENAI_KEY", "sk-only",
                "UPSTREAM_HTTP2", "true"));
        HttpResponse<String> r = ask("Never.", false);
        var error = TestHttp.error(r, 502);
        assertFalse(r.body().contains("sk-only"), r.body());
        assertTrue(error.path("message").asText().contains("upstream"), r.body());
        assertEquals(0, http11.requests().size(), "no request reached it as HTTP/1.1");
    }
}
