package modrelay.loadtests.observability;

import static modrelay.loadtests.fixture.TestHttp.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The access line of every metered exchange carries its usage: prompt, completion and total tokens, whether
 * the relay counted them itself, and the cost when the model has a price. Streams included: a stream whose
 * client did not ask for usage is logged with the upstream's count although the client never saw it; and
 * with UPSTREAM_STREAM_USAGE=false the single upstream is not asked, so the line carries the relay's estimate.
 */
class AccessLogUsageTest {
    private static final String KEY = "pk-usage-access-log";
    private static final double INPUT = 0.15;
    private static final double OUTPUT = 0.6;
    @RegisterExtension
    final RelayFixture scope = RelayFixture.scope();

    private RunningRelay start(String... env) {
        return scope.start(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)
                        .withRecordRequests(true))
                .env("PROXY_KEY", KEY, "PRICES", "{\"" + MODEL + "\":{\"input\":" + INPUT + ",\"output\":" + OUTPUT + "}}")
                .env(env));
    }

    private static HttpResponse<String> send(RunningRelay relay, String body, String requestId) throws Exception {
        HttpResponse<String> r = post(relay.v1() + "/chat/completions", "Bearer sk:" + KEY, body, "X-Request-Id", requestId);
        assertEquals(200, r.statusCode(), r.body());
        return r;
    }

    /** The key-value pairs of the access line of {@code requestId} (LOG_FORMAT=json renders each as {"k":"v"}). */
    private static Map<String, String> accessFields(List<String> jsonLines, String requestId) throws Exception {
        for (String line : jsonLines) {
            if (!line.contains("\"modrelay.access\"")) continue;
            Map<String, String> fields = new HashMap<>();
            for (JsonNode kv : json(line).path("kvpList")) kv.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
            if (requestId.equals(fields.get("request_id"))) return fields;
        }
        throw new AssertionError("no access line for " + requestId + " in\n" + String.join("\n", jsonLines));
    }

    /** The usage object of a stream's usage chunk, when the client was sent one. */
    private static JsonNode usageChunk(String sse) throws Exception {
        JsonNode found = null;
        for (String line : sse.split("\n")) {
            if (!line.startsWith("data:") || line.contains("[DONE]")) continue;
            JsonNode usage = json(line.substring(5).trim()).path("usage");
            if (usage.isObject()) found = usage;
        }
        return found;
    }

    private static void assertLogged(JsonNode usage, Map<String, String> line, boolean priced) {
        long prompt = usage.get("prompt_tokens").asLong();
        long completion = usage.get("completion_tokens").asLong();
        assertTrue(prompt > 0 && completion > 0, usage.toString());
        assertEquals(Long.toString(prompt), line.get("prompt_tokens"), line.toString());
        assertEquals(Long.toString(completion), line.get("completion_tokens"), line.toString());
        assertEquals(Long.toString(usage.get("total_tokens").asLong()), line.get("total_tokens"), line.toString());
        assertEquals("false", line.get("usage_estimated"), line.toString());
        if (priced) {
            assertEquals((prompt * INPUT + completion * OUTPUT) / 1e6, Double.parseDouble(line.get("cost")), 1e-12, line.toString());
        } else {
            assertFalse(line.containsKey("cost"), "a model without a price has no cost: " + line);
        }
    }

    @Test
    void wholeAndStreamedAnswersAreLoggedWithTheirTokensAndCost() throws Exception {
        RunningRelay relay = start();
        String reply = "The usage of this answer is logged. It has two sentences.";
        try (CapturedOutput out = new CapturedOutput()) {
            JsonNode whole = body(send(relay, chat(MODEL, reply, false), "usage-whole-1")).get("usage");
            // the relay asks for this stream's usage and takes the chunk out: the client sees none
            String stripped = send(relay, chat(MODEL, reply, true), "usage-stream-2").body();
            // the same stream as a client that asked: the upstream's chunk is what the stripped one was counted by
            String asked = send(relay, chat(MODEL, reply, true, ",\"stream_options\":{\"include_usage\":true}"), "usage-stream-3").body();
            JsonNode unpriced = body(send(relay, chat("unpriced-model", reply, false), "usage-unpriced-4")).get("usage");
            relay.server().stop().toCompletableFuture().get(30, TimeUnit.SECONDS); // every access line is written

            assertEquals(reply, sseText(stripped));
            assertNull(usageChunk(stripped), "the client did not ask for usage: " + stripped);
            JsonNode streamed = usageChunk(asked);
            assertNotNull(streamed, asked);
            List<String> lines = out.jsonLines();
            assertLogged(whole, accessFields(lines, "usage-whole-1"), true);
            assertLogged(streamed, accessFields(lines, "usage-stream-2"), true);
            assertLogged(streamed, accessFields(lines, "usage-stream-3"), true);
            assertLogged(unpriced, accessFields(lines, "usage-unpriced-4"), false);
        }
    }

    @Test
    void aSingleUpstreamToldNotToBeAskedForStreamUsageIsCountedByTheRelay() throws Exception {
        RunningRelay relay = start("UPSTREAM_STREAM_USAGE", "false");
        String reply = "Counted by the relay itself.";
        try (CapturedOutput out = new CapturedOutput()) {
            String sse = send(relay, chat(MODEL, reply, true), "usage-not-asked-1").body();
            relay.server().stop().toCompletableFuture().get(30, TimeUnit.SECONDS);

            assertEquals(reply, sseText(sse));
            List<FakeUpstream.RecordedRequest> sent = relay.upstream().requests().stream()
                    .filter(r -> r.path().endsWith("/chat/completions")).toList();
            assertEquals(1, sent.size());
            assertFalse(sent.get(0).bodyText().contains("stream_options"), sent.get(0).bodyText());
            Map<String, String> line = accessFields(out.jsonLines(), "usage-not-asked-1");
            assertEquals("true", line.get("usage_estimated"), line.toString());
            assertTrue(Long.parseLong(line.get("completion_tokens")) > 0, line.toString());
            assertEquals(Long.parseLong(line.get("prompt_tokens")) + Long.parseLong(line.get("completion_tokens")),
                    Long.parseLong(line.get("total_tokens")), line.toString());
        }
    }
}
