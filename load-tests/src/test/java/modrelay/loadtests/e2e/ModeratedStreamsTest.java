package modrelay.loadtests.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Moderation end to end: the official client, the relay, the fake upstream and the fake TMS (the
 * real Tencent SDK signs every call; the fake verifies the signature).
 */
class ModeratedStreamsTest {
    private static final String NOTICE = "这个话题不适合讨论，换个话题吧。";
    @RegisterExtension
    final RelayFixture relay = RelayFixture.lazy(RelaySpec.withFakeUpstream(
                    FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(2)))
            .withFakeTms(FakeTms.Options.defaults().withLatency(Duration.ofMillis(20)))
            .env("MODERATION_TIMEOUT", "2000", "HEARTBEAT_INTERVAL", "200ms"));
    private OpenAIClient client;

    private void start(Map<String, String> extraEnv) {
        relay.start(s -> s.env(extraEnv));
        client = OpenAIOkHttpClient.builder().apiKey("sk-client").baseUrl(relay.v1()).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams chat(String reply, Map<String, Object> flags) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI)
                .addUserMessage("say:" + reply);
        flags.forEach((k, v) -> b.putAdditionalBodyProperty(k, JsonValue.from(v)));
        return b.build();
    }

    private record Streamed(String text, List<String> finishReasons) {}

    private Streamed stream(ChatCompletionCreateParams params) {
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().content().ifPresent(text::append);
                c.finishReason().ifPresent(f -> finish.add(f.asString()));
            }));
        }
        return new Streamed(text.toString(), finish);
    }

    @Test
    void aCleanModeratedStreamArrivesWhole() {
        start(Map.of());
        String reply = "第一句话说完了。The second sentence ends here! And a last one without a full stop";
        Streamed s = stream(chat(reply, Map.of("moderation", true)));
        assertEquals(reply, s.text());
        assertEquals(List.of("stop"), s.finishReasons());
        String moderated = String.join("|", relay.tms().texts());
        assertTrue(moderated.contains("第一句话说完了。"), moderated);
        assertTrue(moderated.contains("The second sentence ends here!"), moderated);
        assertTrue(moderated.contains("last one without a full stop"), "the unterminated tail is moderated too: " + moderated);
    }

    @Test
    void aBlockedSentenceCutsTheStreamAndCancelsTheUpstream() throws Exception {
        start(Map.of());
        String reply = "This part is fine. This part is forbidden to show. " + "More text that must never arrive. ".repeat(30);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI)
                .addUserMessage("say:" + reply).putAdditionalBodyProperty("moderation", JsonValue.from(true))
                .putAdditionalHeader("x-fake-token-interval-ms", "30").build();
        Streamed s = stream(params);
        assertEquals("This part is fine. " + NOTICE, s.text());
        assertEquals(List.of("content_filter"), s.finishReasons());
        relay.upstream().whenOpenConnectionsAtMost(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReviewVerdictCutsAtHighButNotAtLow() {
        start(Map.of());
        String reply = "Opening line. A sensitive remark follows. Closing line.";
        Streamed high = stream(chat(reply, Map.of("moderation", true, "moderation_level", "high")));
        assertEquals("Opening line. " + NOTICE, high.text());
        Streamed low = stream(chat(reply, Map.of("moderation", true, "moderation_level", "low")));
        assertEquals(reply, low.text());
    }

    @Test
    void moderationDownFailsClosedByDefault() {
        start(Map.of());
        relay.tms().setFailure(FakeTms.FailureMode.ERROR);
        Streamed s = stream(chat("Nothing wrong here. At all.", Map.of("moderation", true)));
        assertEquals(List.of("content_filter"), s.finishReasons());
        assertEquals("内容审核暂不可用，回答已中止。", s.text());
    }

    @Test
    void moderationDownFailsOpenWhenTheOperatorSaysSo() {
        start(Map.of("MODERATION_FAIL", "open"));
        relay.tms().setFailure(FakeTms.FailureMode.HTTP_500);
        Streamed s = stream(chat("Nothing wrong here. At all.", Map.of("moderation", true)));
        assertEquals("Nothing wrong here. At all.", s.text());
        assertEquals(List.of("stop"), s.finishReasons());
    }

    @Test
    void theOperatorsFloorCannotBeSwitchedOffByARequest() {
        start(Map.of("MODERATION_MIN", "low"));
        Streamed s = stream(chat("Fine. Then forbidden words. End.", Map.of("moderation", false)));
        assertEquals("Fine. " + NOTICE, s.text());
    }

    @Test
    void nonStreamingAnswersAreModeratedWhole() {
        start(Map.of("MODERATION_DEFAULT", "high"));
        ChatCompletion blocked = client.chat().completions().create(chat("All good. Except forbidden things.", Map.of()));
        assertEquals(NOTICE, blocked.choices().get(0).message().content().orElseThrow());
        assertEquals("content_filter", blocked.choices().get(0).finishReason().asString());
        ChatCompletion clean = client.chat().completions().create(chat("All good here.", Map.of()));
        assertEquals("All good here.", clean.choices().get(0).message().content().orElseThrow());
    }

    @Test
    void legacyCompletionsStreamIsCut() {
        start(Map.of("MODERATION_DEFAULT", "high"));
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<Completion> s = client.completions().createStreaming(CompletionCreateParams.builder()
                .model("gpt-3.5-turbo-instruct").prompt("say:First line is ok. Second is forbidden. Third.").build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> {
                text.append(ch.text());
                ch._finishReason().asKnown().ifPresent(f -> finish.add(f.asString()));
            }));
        }
        assertEquals("First line is ok. " + NOTICE, text.toString());
        assertEquals(List.of("content_filter"), finish);
    }

    @Test
    void responsesApiStreamEndsIncompleteWithContentFilter() {
        start(Map.of("MODERATION_DEFAULT", "high"));
        StringBuilder text = new StringBuilder();
        List<Response> incomplete = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
                .model(ChatModel.GPT_4O_MINI).input("say:One clean sentence. Then a forbidden one. Never sent.").build())) {
            s.stream().forEach(e -> {
                e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                e.incomplete().ifPresent(i -> incomplete.add(i.response()));
                assertTrue(e.completed().isEmpty(), "a cut response never completes");
            });
        }
        assertEquals("One clean sentence. " + NOTICE, text.toString());
        assertEquals(1, incomplete.size());
        assertEquals("content_filter", incomplete.get(0).incompleteDetails().orElseThrow().reason().orElseThrow().asString());
    }
}
