package modrelay.loadtests.tms;

import static org.junit.jupiter.api.Assertions.*;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A relay with the Tencent moderator warms its TMS client at start: the endpoint sees the warm-up's
 * {@code GET /} before any user sentence, and no TextModeration call (nothing billed) comes with it.
 */
class TmsWarmUpAtStartTest {
    @RegisterExtension
    final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream(
                    FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO))
            .withFakeTms(FakeTms.Options.defaults())
            .env("MODERATION_TIMEOUT", "2000"));

    @Test
    void theRelayOpensItsTmsConnectionAtStartWithoutABilledCall() throws Exception {
        FakeTms tms = relay.tms();
        tms.whenRootGets(1).toCompletableFuture().get(20, TimeUnit.SECONDS);
        // The warm-up signs its dry calls before it sends the GET, on one thread: had any gone out, it would be here.
        assertEquals(0, tms.calls(), "no TextModeration call at start");
        assertTrue(tms.texts().isEmpty());

        // The first moderated stream after it: whole, and its sentences are the only calls the fake counted.
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("sk-client").baseUrl(relay.v1())
                .maxRetries(0).build();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model(ChatModel.GPT_4O_MINI).addUserMessage("say:All is well. Nothing to see.")
                .putAdditionalBodyProperty("moderation", JsonValue.from(true)).build())) {
            s.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        assertEquals("All is well. Nothing to see.", text.toString());
        assertTrue(tms.calls() > 0, "the stream's sentences were moderated");
        assertEquals(1, tms.rootGets(), "one warm-up, not one per call");
    }
}
