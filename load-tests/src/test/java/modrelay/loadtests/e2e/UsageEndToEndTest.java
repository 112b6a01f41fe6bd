package modrelay.loadtests.e2e;

import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage of every exchange, seen with the official client: a stream whose client did not ask for usage gets
 * no usage chunk while the relay records the upstream's count; a client that asked gets the upstream's
 * chunk as sent; a stream cut by moderation (whose upstream never reported) is recorded as counted by the
 * relay's tokenizer on the text it received. Records are read back through GET /admin/usage.
 */
class UsageEndToEndTest {
    @RegisterExtension
    final RelayFixture SCOPE = RelayFixture.scope();
    private static final String TOKEN = "admin-token-usage-e2e-1";
    private static final String PROXY_KEY = "proxy-key-usage-e2e-0123456789";
    private FakeUpstream upstream;
    private FakeTms tms;
    private RunningRelay relay;
    private OpenAIClient client;

    @TempDir
    Path dataDir;

    private void start(Map<String, String> extra) {
        start(url -> extra);
    }

    private void start(java.util.function.Function<String, Map<String, String>> extraFor) {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO));
        Map<String, String> extra = extraFor.apply(upstream.baseUrl());
        tms = FakeTms.start(FakeTms.Options.defaults());
        Map<String, String> env = new HashMap<>(Map.of("ADMIN_TOKEN", TOKEN, "DATA_DIR", dataDir.toString(),
                "OPENAI_KEY", "sk-server", "PROXY_KEY", PROXY_KEY,
                "TENCENT_CLOUD_SID", FakeTms.SECRET_ID, "TENCENT_CLOUD_SKEY", FakeTms.SECRET_KEY,
                "TENCENT_CLOUD_ENDPOINT", "http://" + tms.endpoint(), "MODERATION_TIMEOUT", "2000"));
        env.putAll(extra);
        relay = SCOPE.startIn(upstream, env);
        client = OpenAIOkHttpClient.builder().apiKey(PROXY_KEY).baseUrl(relay.v1()).maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        if (relay != null) relay.close();
        if (upstream != null) upstream.close();
        if (tms != null) tms.close();
    }

    private record Streamed(String text, List<ChatCompletionChunk> chunks) {
        Optional<CompletionUsage> usage() {
            return chunks.stream().flatMap(c -> c.usage().stream()).findFirst();
        }
    }

    private Streamed stream(ChatCompletionCreateParams params) {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        return new Streamed(text.toString(), chunks);
    }

    private static ChatCompletionCreateParams.Builder chat(String reply) {
        return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).addUserMessage("say:" + reply);
    }

    /** The totals of GET /admin/usage for today (UTC). */
    private JsonNode totals() throws Exception {
        HttpResponse<String> r = TestHttp.get(relay.baseUrl() + "/admin/usage?group_by=model", "Bearer " + TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        return TestHttp.json(r.body()).get("totals");
    }

    @Test
    void aStreamWithoutIncludeUsageGetsNoUsageChunkAndItsUsageIsRecorded() throws Exception {
        start(Map.of());
        String reply = "Counting tokens is what this relay does now. Every exchange has its usage.";
        Streamed plain = stream(chat(reply).build());
        assertEquals(reply, plain.text());
        assertTrue(plain.usage().isEmpty(), "the client did not ask for usage and got none");
        assertTrue(plain.chunks().stream().noneMatch(c -> c.choices().isEmpty()), "no usage-only chunk reached the client");
        JsonNode recorded = totals();
        assertEquals(1, recorded.get("requests").asLong());
        assertEquals(0, recorded.get("estimated_requests").asLong(), "the upstream's own count, not an estimate");

        // The same request asking for usage: the client gets the upstream's usage chunk, the relay records the same count.
        Streamed asked = stream(chat(reply).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        assertEquals(reply, asked.text());
        CompletionUsage seen = asked.usage().orElseThrow(() -> new AssertionError("the client asked for usage"));
        assertTrue(asked.chunks().get(asked.chunks().size() - 1).choices().isEmpty(), "the usage chunk comes last, as sent");
        assertTrue(seen.promptTokens() > 0 && seen.completionTokens() > 0);
        JsonNode both = totals();
        assertEquals(2, both.get("requests").asLong());
        assertEquals(2 * seen.promptTokens(), both.get("prompt_tokens").asLong());
        assertEquals(2 * seen.completionTokens(), both.get("completion_tokens").asLong());
    }

    @Test
    void aStreamWithoutIncludeUsageCarriesNoUsageFieldAtAllModeratedOrNot() throws Exception {
        // With include_usage the upstream adds "usage":null to every chunk; the relay asked, not the client, so the
        // client's bytes have no usage member anywhere, as a stream it asked for without usage would not.
        start(Map.of());
        String reply = "Every chunk is as the client asked. The usage field is not one of them.";
        for (String moderation : List.of("false", "true")) {
            HttpResponse<String> r = TestHttp.post(relay.v1() + "/chat/completions", "Bearer " + PROXY_KEY,
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"moderation\":" + moderation
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"say:" + reply + "\"}]}");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("finish_reason\":\"stop"), r.body());
            assertFalse(r.body().contains("\"usage\""), "moderation " + moderation + ": " + r.body());
        }
        JsonNode recorded = totals();
        assertEquals(2, recorded.get("requests").asLong());
        assertEquals(0, recorded.get("estimated_requests").asLong(), "both read from the usage the relay asked for");
    }

    @Test
    void aStreamCutByModerationIsRecordedAsCountedOnTheTextReceived() throws Exception {
        start(Map.of());
        String reply = "This part is forbidden to show. " + "More text that never comes. ".repeat(5);
        // The upstream sends six tokens ("This part is forbidden to show. ") and then stalls: no usage will come.
        Streamed cut = stream(chat(reply).putAdditionalBodyProperty("moderation", JsonValue.from(true))
                .putAdditionalHeader("x-fake-stall-after-tokens", "6").build());
        assertEquals(List.of("content_filter"), cut.chunks().stream().flatMap(c -> c.choices().stream())
                .flatMap(c -> c.finishReason().stream()).map(f -> f.asString()).toList());
        assertTrue(cut.usage().isEmpty(), "the relay asked for usage, the client did not: the cut's usage chunk is taken out");
        var o200k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        JsonNode recorded = totals();
        assertEquals(1, recorded.get("requests").asLong());
        assertEquals(1, recorded.get("estimated_requests").asLong());
        assertEquals(o200k.countTokensOrdinary("say:" + reply), recorded.get("prompt_tokens").asLong());
        assertEquals(o200k.countTokensOrdinary("This part is forbidden to show. "), recorded.get("completion_tokens").asLong());
    }

    @Test
    void anUpstreamSwitchedOffIsNotAskedAndItsStreamIsCounted() throws Exception {
        start(url -> Map.of("UPSTREAMS", "[{\"name\":\"plain\",\"url\":\"" + url + "/v1\",\"keys\":[\"sk-server\"],"
                + "\"models\":[\"*\"],\"stream_usage\":false}]"));
        String reply = "A server that takes no stream options. It still gets counted.";
        Streamed s = stream(chat(reply).build());
        assertEquals(reply, s.text());
        String sent = upstream.requests().get(upstream.requests().size() - 1).bodyText();
        assertFalse(sent.contains("stream_options"), sent);
        var o200k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        JsonNode recorded = totals();
        assertEquals(1, recorded.get("estimated_requests").asLong());
        assertEquals(o200k.countTokensOrdinary("say:" + reply), recorded.get("prompt_tokens").asLong());
        assertEquals(o200k.countTokensOrdinary(reply), recorded.get("completion_tokens").asLong());
    }

    @Test
    void wholeAnswersAndTheResponsesApiAreReadFromTheAnswer() throws Exception {
        start(Map.of());
        var completion = client.chat().completions().create(chat("Short and whole.").build());
        var responses = client.responses().create(com.openai.models.responses.ResponseCreateParams.builder()
                .model(ChatModel.GPT_4O_MINI).input("say:Answered by the Responses API.").build());
        long prompt = completion.usage().orElseThrow().promptTokens() + responses.usage().orElseThrow().inputTokens();
        long output = completion.usage().orElseThrow().completionTokens() + responses.usage().orElseThrow().outputTokens();
        JsonNode recorded = totals();
        assertEquals(2, recorded.get("requests").asLong());
        assertEquals(0, recorded.get("estimated_requests").asLong());
        assertEquals(prompt, recorded.get("prompt_tokens").asLong());
        assertEquals(output, recorded.get("completion_tokens").asLong());
    }
}
