package modrelay.loadtests.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sub-key bound to one upstream with parameter defaults and caps, set and changed through the admin API: its
 * requests go to that upstream only, carry the defaults where they omit them and never exceed the caps, and are
 * moderated exactly as any other key's. A key pinned to a model route is routed and sent as that model, whatever
 * the client names; where the relay cannot set the model (a form), it must already name it.
 */
class BindingsEndToEndTest {
    private static final String TOKEN = "admin-token-0123456789";
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private FakeUpstream alpha;
    private FakeUpstream beta;
    private RunningRelay relay;

    @BeforeEach
    void start() throws Exception {
        alpha = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
        beta = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
        relay = relays.start(RelaySpec.withoutFakes().withKeywords("forbiddenword").env(
                "UPSTREAMS", "[{\"name\":\"alpha\",\"url\":\"" + alpha.baseUrl() + "\",\"keys\":[\"sk-alpha\"],\"priority\":1,"
                        + "\"models\":[\"gpt-4o*\"]},"
                        + "{\"name\":\"beta\",\"url\":\"" + beta.baseUrl() + "\",\"keys\":[\"sk-beta\"],"
                        + "\"models\":[\"gpt-4o-mini\",\"deepseek-chat\"]}]",
                "ADMIN_TOKEN", TOKEN,
                "SUBKEY_REFRESH", "0",
                "MODELS_REFRESH", "0",
                "MODERATION_DEFAULT", "high"));
    }

    private HttpResponse<String> admin(String method, String path, String json) throws Exception {
        return TestHttp.call(method, relay.url(path), "Bearer " + TOKEN, json);
    }

    private static List<JsonNode> chatBodies(FakeUpstream u) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (FakeUpstream.RecordedRequest r : u.requests()) {
            if (r.path().equals("/v1/chat/completions")) out.add(TestHttp.json(r.bodyText()));
        }
        return out;
    }

    private JsonNode create(String json) throws Exception {
        HttpResponse<String> a = admin("POST", "/admin/keys", json);
        assertEquals(201, a.statusCode(), a.body());
        return TestHttp.body(a);
    }

    private HttpResponse<String> chat(String key, String extraFields, String say) throws Exception {
        return chat(key, "gpt-4o-mini", extraFields, say);
    }

    private HttpResponse<String> chat(String key, String model, String extraFields, String say) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"stream\":true," + extraFields + "\"messages\":[{\"role\":\"user\",\"content\":"
                + TestHttp.JSON.valueToTree("say:" + say) + "}]}";
        return TestHttp.post(relay.v1() + "/chat/completions", "Bearer " + key, body);
    }

    @Test
    void aBoundKeyGoesToItsUpstreamWithDefaultsAndCapsAndAPatchTakesEffectOnTheNextRequest() throws Exception {
        JsonNode k = create("{\"name\":\"team-a\",\"upstream\":\"beta\",\"defaults\":{\"temperature\":0.3,\"user\":\"team-a\"},"
                + "\"caps\":{\"max_tokens\":100}}");
        assertEquals("beta", k.get("upstream").asText());
        assertEquals("{\"temperature\":0.3,\"user\":\"team-a\"}", k.get("defaults").toString());
        String secret = k.get("key").asText();

        HttpResponse<String> first = chat(secret, "\"max_tokens\":5000,", "All good here.");
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(TestHttp.sseDone(first.body()));
        assertEquals("All good here.", TestHttp.sseText(first.body()));
        assertEquals(List.of(), chatBodies(alpha), "alpha has the higher priority, but the key is bound to beta");
        JsonNode sent = chatBodies(beta).get(0);
        assertEquals(0.3, sent.get("temperature").asDouble());
        assertEquals("team-a", sent.get("user").asText());
        assertEquals(100, sent.get("max_tokens").asInt(), "capped");
        assertEquals("gpt-4o-mini", sent.get("model").asText());
        assertEquals("Bearer sk-beta", beta.requests().stream().filter(r -> r.path().equals("/v1/chat/completions"))
                .findFirst().orElseThrow().header("authorization"));

        HttpResponse<String> own = chat(secret, "\"temperature\":1.2,", "Still fine.");
        assertEquals(200, own.statusCode(), own.body());
        JsonNode second = chatBodies(beta).get(1);
        assertEquals(1.2, second.get("temperature").asDouble(), "the request's own value wins over a default");
        assertEquals(100, second.get("max_tokens").asInt(), "an omitted capped parameter is sent at the cap");

        HttpResponse<String> patched = admin("PATCH", "/admin/keys/" + k.get("id").asText(), "{\"caps\":{\"max_tokens\":10}}");
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals("beta", TestHttp.body(patched).get("upstream").asText(), "a patch of the caps keeps the upstream");
        assertEquals(0.3, TestHttp.body(patched).at("/defaults/temperature").asDouble(), "and the defaults");
        HttpResponse<String> third = chat(secret, "\"max_tokens\":50,", "Fine again.");
        assertEquals(200, third.statusCode(), third.body());
        assertEquals(10, chatBodies(beta).get(2).get("max_tokens").asInt());

        HttpResponse<String> shown = admin("GET", "/admin/keys/" + k.get("id").asText(), null);
        assertEquals("{\"max_tokens\":10}", TestHttp.body(shown).get("caps").toString());
        assertFalse(shown.body().contains(secret), "the secret is shown once, at creation");
    }

    private static List<FakeUpstream.RecordedRequest> audio(FakeUpstream u) {
        return u.requests().stream().filter(r -> r.path().startsWith("/v1/audio/")).toList();
    }

    /** The model named in the stream's chunks: the upstream's word, not rewritten back to the client's. */
    private static String answeredModel(HttpResponse<String> r) throws Exception {
        return TestHttp.json(TestHttp.sseData(r.body()).get(0)).get("model").asText();
    }

    @Test
    void aModelPinnedKeyIsRoutedAndSentAsThePinnedModelWhateverTheClientNames() throws Exception {
        JsonNode k = create("{\"name\":\"pinned\",\"model\":\"deepseek-chat\",\"caps\":{\"max_tokens\":20}}");
        assertEquals("deepseek-chat", k.get("model").asText());
        assertTrue(k.get("upstream").isNull());
        String secret = k.get("key").asText();

        HttpResponse<String> r = chat(secret, "gpt-4o", "", "Pinned answer.");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(TestHttp.sseDone(r.body()), r.body());
        assertEquals("Pinned answer.", TestHttp.sseText(r.body()));
        assertEquals(List.of(), chatBodies(alpha), "alpha serves gpt-4o, the name the client sent, but not the pinned model");
        JsonNode sent = chatBodies(beta).get(0);
        assertEquals("deepseek-chat", sent.get("model").asText());
        assertEquals(20, sent.get("max_tokens").asInt(), "the rest of the binding applies too");
        assertEquals("deepseek-chat", answeredModel(r));

        HttpResponse<String> noModel = TestHttp.post(relay.v1() + "/chat/completions", "Bearer " + secret,
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"say:No model named.\"}]}");
        assertEquals(200, noModel.statusCode(), noModel.body());
        assertEquals("deepseek-chat", chatBodies(beta).get(1).get("model").asText(), "a request naming no model gets the pin");

        HttpResponse<String> unpinned = admin("PATCH", "/admin/keys/" + k.get("id").asText(), "{\"model\":null}");
        assertEquals(200, unpinned.statusCode(), unpinned.body());
        assertTrue(TestHttp.body(unpinned).get("model").isNull());
        assertEquals(20, TestHttp.body(unpinned).at("/caps/max_tokens").asInt(), "clearing the pin keeps the caps");
        assertEquals(200, chat(secret, "gpt-4o", "", "Own model again.").statusCode());
        assertEquals("gpt-4o", chatBodies(alpha).get(0).get("model").asText(), "without the pin the client's model is routed");
    }

    @Test
    void aPinnedModelNoUpstreamServesIsNotFoundAndNothingIsSent() throws Exception {
        String bound = create("{\"name\":\"bound\",\"upstream\":\"alpha\",\"model\":\"deepseek-chat\"}").get("key").asText();
        HttpResponse<String> r = chat(bound, "", "Hello.");
        assertEquals("model_not_found", TestHttp.error(r, 404).get("code").asText());
        assertTrue(TestHttp.error(r).get("message").asText().contains("deepseek-chat"), r.body());
        String nowhere = create("{\"name\":\"nowhere\",\"model\":\"llama-3-70b\"}").get("key").asText();
        assertEquals("model_not_found", TestHttp.error(chat(nowhere, "", "Hello."), 404).get("code").asText());
        assertEquals(List.of(), chatBodies(alpha), "no fallback to an upstream that serves the client's model");
        assertEquals(List.of(), chatBodies(beta), "nor to another that serves the pinned one");
    }

    @Test
    void theKeysModelRulesJudgeThePinnedName() throws Exception {
        String denied = create("{\"name\":\"denied\",\"model\":\"deepseek-chat\",\"denied_models\":[\"deepseek*\"]}")
                .get("key").asText();
        assertEquals("model_not_allowed", TestHttp.error(chat(denied, "gpt-4o-mini", "", "Hello."), 403).get("code").asText());
        String allowed = create("{\"name\":\"allowed\",\"model\":\"gpt-4o-mini\",\"allowed_models\":[\"gpt-4o-mini\"]}")
                .get("key").asText();
        HttpResponse<String> r = chat(allowed, "o3-pro", "", "Allowed as pinned.");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("gpt-4o-mini", chatBodies(alpha).get(0).get("model").asText());
        assertEquals(1, chatBodies(alpha).size());
    }

    @Test
    void aFormMustNameThePinnedModelSinceTheRelayCannotRewriteIt() throws Exception {
        String secret = create("{\"name\":\"voice\",\"model\":\"gpt-4o-transcribe\",\"allowed_endpoints\":[\"chat\",\"audio\"]}")
                .get("key").asText();
        HttpResponse<String> other = transcription(secret, "whisper-1");
        JsonNode e = TestHttp.error(other, 400);
        assertEquals("model_pinned", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("gpt-4o-transcribe"), other.body());
        assertEquals(List.of(), audio(alpha));
        assertEquals(List.of(), audio(beta));

        HttpResponse<String> twice = transcription(secret, "gpt-4o-transcribe", "whisper-1");
        assertEquals("model_pinned", TestHttp.error(twice, 400).get("code").asText(), "a form naming two models is not run");
        assertEquals(List.of(), audio(alpha));

        transcription(secret, "gpt-4o-transcribe");
        assertEquals(1, audio(alpha).size(), "a form naming the pinned model goes upstream");
        assertTrue(audio(alpha).get(0).bodyText().contains("gpt-4o-transcribe"));
    }

    private HttpResponse<String> transcription(String key, String... models) throws Exception {
        StringBuilder form = new StringBuilder();
        for (String m : models) {
            form.append("--XBOUNDARY\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n").append(m).append("\r\n");
        }
        form.append("--XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\nRIFF....WAVE\r\n--XBOUNDARY--\r\n");
        return TestHttp.send(TestHttp.request(relay.v1() + "/audio/transcriptions", "Bearer " + key,
                "Content-Type", "multipart/form-data; boundary=XBOUNDARY")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form.toString())));
    }

    @Test
    void defaultsDoNotChangeTheModerationDecision() throws Exception {
        HttpResponse<String> refused = admin("POST", "/admin/keys", "{\"name\":\"sly\",\"defaults\":{\"moderation\":false}}");
        assertEquals(400, refused.statusCode(), refused.body());
        String secret = create("{\"name\":\"bound\",\"upstream\":\"beta\",\"defaults\":{\"temperature\":0}}").get("key").asText();
        HttpResponse<String> cut = chat(secret, "", "Fine start. Then forbiddenword appears. And more text after it.");
        assertEquals(200, cut.statusCode(), cut.body());
        assertEquals("content_filter", TestHttp.sseFinishReason(cut.body()), cut.body());
        assertFalse(cut.body().contains("forbiddenword"));
        assertTrue(TestHttp.sseDone(cut.body()));

        String pinned = create("{\"name\":\"pinned\",\"model\":\"deepseek-chat\"}").get("key").asText();
        HttpResponse<String> pinnedCut = chat(pinned, "", "Fine start. Then forbiddenword appears. And more text after it.");
        assertEquals(200, pinnedCut.statusCode(), pinnedCut.body());
        assertEquals("content_filter", TestHttp.sseFinishReason(pinnedCut.body()), "a model pin does not change the moderation");
        assertFalse(pinnedCut.body().contains("forbiddenword"));
    }

    @Test
    void aKeyBoundToAnUpstreamTheRelayDoesNotHaveIsRefusedNotRoutedElsewhere() throws Exception {
        String secret = create("{\"name\":\"lost\",\"upstream\":\"gamma\"}").get("key").asText();
        HttpResponse<String> r = chat(secret, "", "Hello.");
        assertEquals(403, r.statusCode(), r.body());
        assertEquals("upstream_not_available", TestHttp.json(r.body()).at("/error/code").asText());
        assertEquals(List.of(), chatBodies(alpha));
        assertEquals(List.of(), chatBodies(beta));

        String unbound = create("{\"name\":\"plain\"}").get("key").asText();
        assertEquals(200, chat(unbound, "", "Hello.").statusCode());
        assertEquals(1, chatBodies(alpha).size(), "an unbound key is routed by priority as before");
        assertFalse(chatBodies(alpha).get(0).has("temperature"), "and gets no defaults");
    }
}
