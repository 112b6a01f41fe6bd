package modrelay.loadtests.routing;

import static modrelay.loadtests.fixture.TestHttp.chat;
import static modrelay.loadtests.fixture.TestHttp.error;
import static modrelay.loadtests.fixture.TestHttp.json;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import modrelay.loadtests.fakes.FakeAzure;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.FakeUpstream.RecordedRequest;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An Azure-shaped upstream behind the relay, spoken to by the official OpenAI client with OpenAI
 * paths: deployments, api-version, api-key, Azure's errors in OpenAI shape, and moderation.
 */
class AzureThroughRelayTest {
    private static final String NOTICE = "这个话题不适合讨论，换个话题吧。";
    @RegisterExtension
    final RelayFixture relay = RelayFixture.lazy(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults()
            .withTokenInterval(Duration.ofMillis(2))
            .withAzure(FakeAzure.of("az-key", Map.of("prod-4o", "gpt-4o-2024-08-06", "emb", "text-embedding-3-small")))));
    private OpenAIClient client;

    private void start(String relayKey) {
        start(relayKey, UnaryOperator.identity());
    }

    private void start(String relayKey, UnaryOperator<RelaySpec> variant) {
        relay.start(s -> variant.apply(s.envWithUpstreamUrl("UPSTREAMS", url -> """
                [{"name":"azure","kind":"azure","url":"%s","keys":["%s"],"api-version":"2024-10-21",
                  "models":{"gpt-4o":"prod-4o","text-embedding-3-small":"emb"}}]""".formatted(url, relayKey))));
        client = OpenAIOkHttpClient.builder().apiKey("sk-client").baseUrl(relay.v1()).maxRetries(0).build();
    }

    private RecordedRequest lastPost() {
        List<RecordedRequest> posts = relay.upstream().requests().stream().filter(r -> r.method().equals("POST")).toList();
        return posts.get(posts.size() - 1);
    }

    @Test
    void openAiPathsBecomeDeploymentCallsWithApiKey() throws Exception {
        start("az-key");
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o")
                .addUserMessage("say:Hello from Azure.").build());
        assertEquals("Hello from Azure.", c.choices().get(0).message().content().orElseThrow());
        RecordedRequest sent = lastPost();
        assertEquals("/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21", sent.path());
        assertEquals("az-key", sent.header("api-key"));
        assertNull(sent.header("authorization"), "Azure gets api-key, not the client's bearer token");

        client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small").input("hi").build());
        assertEquals("/openai/deployments/emb/embeddings?api-version=2024-10-21", lastPost().path());
    }

    @Test
    void aModeratedStreamThroughAzureIsCutLikeAnyOther() {
        start("az-key", s -> s.withFakeTms(FakeTms.Options.defaults().withLatency(Duration.ofMillis(10)))
                .env("MODERATION_TIMEOUT", "2000"));
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("say:Fine. Then forbidden words. End.")
                .putAdditionalBodyProperty("moderation", JsonValue.from(true)).build())) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
                ch.delta().content().ifPresent(text::append);
                ch.finishReason().ifPresent(f -> finish.add(f.asString()));
            }));
        }
        assertEquals("Fine. " + NOTICE, text.toString());
        assertEquals(List.of("content_filter"), finish);
        assertTrue(lastPost().path().startsWith("/openai/deployments/prod-4o/chat/completions"));
        assertFalse(lastPost().bodyText().contains("moderation"), "the flag never reaches Azure");
    }

    @Test
    void azuresOwnOutputFilterPassesThroughAsItIs() {
        start("az-key");
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("say:One two three four five.")
                .putAdditionalHeader("x-fake-azure-filter-after-tokens", "2").build())) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
                ch.delta().content().ifPresent(text::append);
                ch.finishReason().ifPresent(f -> finish.add(f.asString()));
            }));
        }
        assertEquals(List.of("content_filter"), finish);
        assertTrue(text.length() > 0 && !text.toString().contains("five"), text.toString());
    }

    @Test
    void aPromptBlockedByAzureComesBackInOpenAiShape() throws Exception {
        start("az-key");
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", FakeAzure.BLOCKED_PROMPT, false));
        assertEquals(400, r.statusCode());
        JsonNode e = error(r);
        assertEquals("content_filter", e.get("code").asText());
        assertEquals("invalid_request_error", e.get("type").asText());
        assertEquals("prompt", e.get("param").asText());
        assertTrue(e.path("innererror").path("content_filter_result").path("violence").path("filtered").asBoolean());
        // And the official client raises its usual exception with that code.
        BadRequestException thrown = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("say:" + FakeAzure.BLOCKED_PROMPT).build()));
        assertEquals("content_filter", thrown.code().orElseThrow());
    }

    @Test
    void azuresGatewayErrorsGetTheOpenAiShapeToo() throws Exception {
        start("wrong-key");
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false));
        assertEquals(401, r.statusCode());
        JsonNode e = error(r);
        assertEquals("invalid_api_key", e.get("code").asText());
        assertTrue(e.get("message").asText().startsWith("Access denied"));
    }

    @Test
    void aClientSpeakingAzurePathsIsRelayedAsIs() throws Exception {
        start("az-key");
        HttpResponse<String> r = relay.post("/openai/deployments/prod-4o/chat/completions?api-version=2024-06-01",
                chat("ignored", "Direct.", false), "api-key", "client-key");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("Direct.", json(r.body()).get("choices").get(0).get("message").get("content").asText());
        assertEquals("/openai/deployments/prod-4o/chat/completions?api-version=2024-06-01", lastPost().path());
        assertEquals("az-key", lastPost().header("api-key"), "the relay's key, as for any request");
    }
}
