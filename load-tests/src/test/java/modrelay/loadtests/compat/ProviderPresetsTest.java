package modrelay.loadtests.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeAzure;
import modrelay.loadtests.fakes.FakeProvider;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each preset against a fake of its provider (real HTTP on 127.0.0.1, the provider's path prefix, bearer key and
 * stream shape), with moderation on: a clean stream arrives whole, a cut one ends cleanly and the fake sees the
 * cancel. The relay is given only {@code "preset"} and the fake's bare host, so the path prefix must come from
 * the preset.
 */
class ProviderPresetsTest {
    private static final String NOTICE = "这个话题不适合讨论，换个话题吧。";
    private static final String CLEAN = "The weather is mild today. 今天天气不错。Bring a light jacket!";
    private static final String BANNED = "forbiddenword";
    private static final String TAIL = " This sentence keeps the stream going for a while.".repeat(12);

    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private FakeUpstream upstream;
    private RunningRelay relay;

    static List<String> presets() {
        return FakeProvider.PRESETS;
    }

    /** The chat requests the fake received, oldest first (the relay also fetches the model list). */
    private List<FakeUpstream.RecordedRequest> chats() {
        return upstream.requests().stream().filter(r -> r.path().contains("/chat/completions")).toList();
    }

    private void startPreset(String preset) throws Exception {
        FakeUpstream.Options o = FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(5))
                .withProvider(FakeProvider.of(preset));
        relay = relays.start(RelaySpec.withFakeUpstream(o).withKeywords(BANNED)
                .envWithUpstreamUrl("UPSTREAMS", url -> "[{\"preset\":\"" + preset + "\",\"url\":\"" + url + "\",\"keys\":[\"sk-"
                        + preset + "\"]}]")
                .env("PROXY_KEY", "proxy-key-0123456789",
                        "MODERATION_DEFAULT", "high",
                        "HEARTBEAT_INTERVAL", "200ms",
                        "MODELS_REFRESH", "0"));
        upstream = relay.upstream();
    }

    private HttpResponse<String> chat(String model, String say, String... headers) throws Exception {
        return post(TestHttp.chat(model, say, true), headers);
    }

    private HttpResponse<String> post(String body, String... headers) throws Exception {
        return TestHttp.post(relay.v1() + "/chat/completions", "Bearer proxy-key-0123456789", body, headers);
    }

    @ParameterizedTest
    @MethodSource("presets")
    void aCleanStreamArrivesWholeThroughThePreset(String preset) throws Exception {
        startPreset(preset);
        HttpResponse<String> r = chat(preset + "-model", CLEAN);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(TestHttp.sseDone(r.body()), r.body());
        assertEquals(CLEAN, TestHttp.sseText(r.body()));
        assertEquals("stop", TestHttp.sseFinishReason(r.body()), r.body());

        FakeUpstream.RecordedRequest seen = chats().get(0);
        FakeProvider p = FakeProvider.of(preset);
        assertEquals(p.pathPrefix() + "/chat/completions", seen.path(), "the preset's path prefix");
        assertEquals("Bearer sk-" + preset, seen.header("authorization"), "the preset's auth style, the upstream's own key");
    }

    @ParameterizedTest
    @MethodSource("presets")
    void aCutStreamEndsCleanlyAndTheProviderSeesTheCancel(String preset) throws Exception {
        startPreset(preset);
        HttpResponse<String> r = chat(preset + "-model", "Fine start. Then " + BANNED + " appears." + TAIL);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(TestHttp.sseDone(r.body()), r.body());
        assertEquals("content_filter", TestHttp.sseFinishReason(r.body()), r.body());
        assertFalse(r.body().contains(BANNED), r.body());
        assertTrue(TestHttp.sseText(r.body()).endsWith(NOTICE), TestHttp.sseText(r.body()));
        assertFalse(TestHttp.sseText(r.body()).contains("keeps the stream going"), "nothing after the cut is released");
        upstream.whenStreamsCancelled(1).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void deepseekReasonerGetsNoLogprobsAndItsReasoningIsJudgedToo() throws Exception {
        startPreset("deepseek");
        String body = "{\"model\":\"deepseek-reasoner\",\"stream\":true,\"logprobs\":true,\"top_logprobs\":2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"say:" + CLEAN + "\"}]}";
        HttpResponse<String> r = post(body, "x-fake-reasoning", "1");
        assertEquals(200, r.statusCode(), "the fake answers 400 to logprobs for deepseek-reasoner, as DeepSeek does: " + r.body());
        assertTrue(TestHttp.sseDone(r.body()), r.body());
        assertEquals(CLEAN, TestHttp.sseText(r.body()));
        assertTrue(r.body().contains("reasoning_content"), "the reasoning is released once judged");
        JsonNode sent = TestHttp.json(chats().get(0).bodyText());
        assertFalse(sent.has("logprobs"));
        assertFalse(sent.has("top_logprobs"));

        HttpResponse<String> chatModel = post("{\"model\":\"deepseek-chat\",\"stream\":true,\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"say:hi.\"}]}");
        assertEquals(200, chatModel.statusCode(), chatModel.body());
        assertTrue(TestHttp.json(chats().get(1).bodyText()).has("logprobs"), "deepseek-chat keeps logprobs");
    }

    @Test
    void anthropicIsNotSentTheFieldsItIgnores() throws Exception {
        startPreset("anthropic");
        String body = "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"seed\":7,\"user\":\"u-1\",\"store\":true,"
                + "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"say:" + CLEAN + "\"}]}";
        HttpResponse<String> r = post(body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(CLEAN, TestHttp.sseText(r.body()));
        JsonNode sent = TestHttp.json(chats().get(0).bodyText());
        assertFalse(sent.has("seed"));
        assertFalse(sent.has("user"));
        assertFalse(sent.has("store"));
        assertEquals(64, sent.get("max_tokens").asInt(), "supported fields go as sent");
        assertEquals("claude-sonnet-4-5", sent.get("model").asText());
    }

    @Test
    void aPresetUpstreamWithoutItsPathPrefixIsNotFoundAtTheFakeSoThePrefixIsWhatMakesItWork() throws Exception {
        // Declared by hand with the bare host and no preset: the relay sends /v1/..., which the Zhipu fake does not serve.
        relay = relays.start(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)
                        .withProvider(FakeProvider.of("zhipu")))
                .envWithUpstreamUrl("UPSTREAMS", url -> "[{\"name\":\"zhipu\",\"url\":\"" + url + "\",\"keys\":[\"sk-z\"]}]")
                .env("PROXY_KEY", "proxy-key-0123456789", "MODELS_REFRESH", "0"));
        upstream = relay.upstream();
        HttpResponse<String> r = chat("glm-4-flash", CLEAN);
        assertEquals(404, r.statusCode(), r.body());
        assertEquals("/v1/chat/completions", chats().get(0).path());
    }

    @Test
    void azurePresetSpeaksDeploymentsAndApiKey() throws Exception {
        FakeUpstream.Options o = FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(2))
                .withAzure(FakeAzure.of("az-key-1", Map.of("prod-4o", "gpt-4o")));
        relay = relays.start(RelaySpec.withFakeUpstream(o).withKeywords(BANNED)
                .envWithUpstreamUrl("UPSTREAMS", url -> "[{\"preset\":\"azure\",\"url\":\"" + url + "\",\"keys\":[\"az-key-1\"],"
                        + "\"models\":{\"gpt-4o\":\"prod-4o\"}}]")
                .env("PROXY_KEY", "proxy-key-0123456789",
                        "MODERATION_DEFAULT", "high",
                        "MODELS_REFRESH", "0"));
        upstream = relay.upstream();
        HttpResponse<String> r = chat("gpt-4o", CLEAN);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(TestHttp.sseDone(r.body()), r.body());
        assertEquals(CLEAN, TestHttp.sseText(r.body()));
        FakeUpstream.RecordedRequest seen = chats().get(0);
        assertTrue(seen.path().startsWith("/openai/deployments/prod-4o/chat/completions?api-version="), seen.path());
        assertEquals("az-key-1", seen.header("api-key"));
        assertNull(seen.header("authorization"));

        HttpResponse<String> cut = chat("gpt-4o", "Fine start. Then " + BANNED + " appears." + TAIL);
        assertEquals("content_filter", TestHttp.sseFinishReason(cut.body()), cut.body());
        assertTrue(TestHttp.sseDone(cut.body()), cut.body());
        assertFalse(cut.body().contains(BANNED));
    }
}
