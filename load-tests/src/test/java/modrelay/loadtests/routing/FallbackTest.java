package modrelay.loadtests.routing;

import static modrelay.loadtests.fixture.TestHttp.chat;
import static modrelay.loadtests.fixture.TestHttp.error;
import static modrelay.loadtests.fixture.TestHttp.json;
import static org.junit.jupiter.api.Assertions.*;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A preferred upstream that is down (closed port), failing (500) or limited (429), and a healthy
 * one behind it: requests move on before any byte reached the client.
 */
class FallbackTest {
    private FakeUpstream primary;
    private FakeUpstream backup;
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private RunningRelay relay;

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void startRelay(String primaryUrl, Map<String, String> extraEnv) {
        backup = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(1))));
        Map<String, String> env = new HashMap<>(Map.of("UPSTREAMS", """
                [{"name":"primary","url":"%s","keys":["sk-primary"],"models":["*"],"priority":10},
                 {"name":"backup","url":"%s","keys":["sk-backup"],"models":["*"]}]""".formatted(primaryUrl, backup.baseUrl()),
                "UPSTREAM_COOLDOWN", "1h"));
        env.putAll(extraEnv);
        relay = relays.start(RelaySpec.withoutFakes().env(env));
    }

    private long primaryCalls() {
        return primary.requests().stream().filter(r -> r.method().equals("POST")).count();
    }

    private long backupCalls() {
        return backup.requests().stream().filter(r -> r.method().equals("POST")).count();
    }

    @Test
    void aClosedPortMovesTheRequestToTheNextUpstream() throws Exception {
        startRelay("http://127.0.0.1:" + closedPort(), Map.of());
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("unused").baseUrl(relay.v1()).maxRetries(0).build();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("say:The backup answered. Whole.").build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertEquals("The backup answered. Whole.", text.toString());
        assertEquals(1, backupCalls());
    }

    @Test
    void a500OrA429BeforeAnyByteMovesTheRequestOn() throws Exception {
        primary = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withStatusForKey("sk-primary", 500)));
        startRelay(primary.baseUrl(), Map.of("UPSTREAM_FAILURE_THRESHOLD", "100"));
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "from the backup.", false));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("from the backup.", json(r.body()).get("choices").get(0).get("message").get("content").asText());
        assertEquals(1, primaryCalls());
        assertEquals(1, backupCalls());
        assertEquals("Bearer sk-backup", backup.requests().get(0).header("authorization"));
    }

    @Test
    void a429OnTheOnlyKeyOfAnUpstreamMovesTheRequestToTheNextUpstream() throws Exception {
        primary = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults()
                .withStatusForKey("sk-primary", 429).withRetryAfterSeconds(60)));
        startRelay(primary.baseUrl(), Map.of());
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "limited elsewhere.", false));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, primaryCalls());
        // The key is cooling now: the next request goes straight to the backup, the primary is not asked again.
        assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "again.", false)).statusCode());
        assertEquals(2, backupCalls());
        assertEquals(1, primaryCalls());
        // Each upstream's key pool is in /metrics under its own name.
        String m = relay.get("/metrics").body();
        assertTrue(m.matches("(?s).*modrelay_upstream_key_state\\{key=\"key-1\",state=\"cooling\",upstream=\"primary\"} 1.*"), m);
        assertTrue(m.matches("(?s).*modrelay_upstream_key_state\\{key=\"key-1\",state=\"active\",upstream=\"backup\"} 1.*"), m);
        assertFalse(m.contains("sk-primary") || m.contains("sk-backup"), "no key in the metrics");
    }

    @Test
    void theOnlyUpstreamRetriesA5xxOnItsOtherKey() throws Exception {
        primary = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withStatusForKey("sk-broken", 500)));
        relay = relays.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", primary.baseUrl(), "OPENAI_KEY", "sk-broken,sk-good"));
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "second key.", false));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(java.util.List.of("Bearer sk-broken", "Bearer sk-good"),
                primary.requests().stream().map(q -> q.header("authorization")).toList());
    }

    @Test
    void withOneAttemptTheClientGetsTheFirstAnswer() throws Exception {
        primary = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withStatusForKey("sk-primary", 500)));
        startRelay(primary.baseUrl(), Map.of("MAX_ATTEMPTS", "1"));
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false));
        assertEquals(500, r.statusCode());
        assertEquals("server_error", error(r).get("type").asText());
        assertEquals(0, backupCalls());
    }

    @Test
    void whenEveryUpstreamFailsTheLastAnswerIsRelayed() throws Exception {
        primary = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withStatusForKey("sk-primary", 503)));
        startRelay(primary.baseUrl(), Map.of());
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false), "x-fake-status", "502");
        assertEquals(502, r.statusCode(), "the backup's own answer");
        assertEquals(1, primaryCalls());
        assertEquals(1, backupCalls());
    }

    @Test
    void aLargeStreamedUploadIsNeverSentTwice() throws Exception {
        primary = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withStatusForKey("sk-primary", 500)));
        startRelay(primary.baseUrl(), Map.of());
        String boundary = "b0undary";
        byte[] file = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(file, (byte) 'a');
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        HttpResponse<String> r = TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(relay.v1() + "/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, r.statusCode(), "no second attempt for a body the relay did not keep");
        assertEquals(1, primaryCalls());
        assertEquals(0, backupCalls());
    }

    @Test
    void anUpstreamThatKeepsFailingIsTakenOutAndGetsNoTraffic() throws Exception {
        primary = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withStatusForKey("sk-primary", 500)));
        startRelay(primary.baseUrl(), Map.of());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "ok.", false)).statusCode());
        }
        // Three failures in a row: out of rotation (the health actor learns asynchronously; at most a request or two later).
        long before;
        int tries = 0;
        do {
            before = primaryCalls();
            relay.post("/v1/chat/completions", chat("gpt-4o", "ok.", false));
        } while (primaryCalls() > before && ++tries < 5);
        long afterOut = primaryCalls();
        assertTrue(afterOut >= 3 && afterOut <= 5, "primary calls " + afterOut);
        for (int i = 0; i < 10; i++) {
            assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "ok.", false)).statusCode());
        }
        assertEquals(afterOut, primaryCalls(), "no traffic while it is out; its probe is an hour away");
    }

    @Test
    void anUpstreamThatCameBackIsProbedAndGetsItsTrafficAgain() throws Exception {
        int port = closedPort();
        startRelay("http://127.0.0.1:" + port, Map.of("UPSTREAM_COOLDOWN", "300ms", "UPSTREAM_FAILURE_THRESHOLD", "1"));
        assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "ok.", false)).statusCode());
        // Out after one failure; now the primary comes up on its port and the probe (GET /v1/models) finds it.
        primary = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withPort(port)));
        relay.server().routing().when(state -> state.up(0)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("/v1/models", primary.requests().get(0).path(), "it came back through a probe");
        assertEquals("Bearer sk-primary", primary.requests().get(0).header("authorization"), "the probe uses the upstream's key");
        assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "ok.", false)).statusCode());
        assertEquals(1, primaryCalls(), "traffic is back on the primary");
    }
}
