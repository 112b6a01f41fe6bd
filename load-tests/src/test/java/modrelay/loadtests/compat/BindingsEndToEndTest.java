package modrelay.loadtests.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sub-key bound to one upstream with parameter defaults and caps, set and changed through the admin API: its
 * requests go to that upstream only, carry the defaults where they omit them and never exceed the caps, and are
 * moderated exactly as any other key's.
 */
class BindingsEndToEndTest {
    private static final String TOKEN = "admin-token-0123456789";
    @TempDir
    Path dir;
    private FakeUpstream alpha;
    private FakeUpstream beta;
    private CompatRelay relay;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        alpha = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO));
        beta = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO));
        Path words = Files.writeString(dir.resolve("words.txt"), "forbiddenword\n");
        relay = CompatRelay.start(Map.of(
                "UPSTREAMS", "[{\"name\":\"alpha\",\"url\":\"" + alpha.baseUrl() + "\",\"keys\":[\"sk-alpha\"],\"priority\":1},"
                        + "{\"name\":\"beta\",\"url\":\"" + beta.baseUrl() + "\",\"keys\":[\"sk-beta\"]}]",
                "ADMIN_TOKEN", TOKEN,
                "DATA_DIR", dir.resolve("db").toString(),
                "SUBKEY_REFRESH", "0",
                "MODELS_REFRESH", "0",
                "MODERATION_KEYWORDS_FILE", words.toString(),
                "MODERATION_DEFAULT", "high"));
        admin = new Admin(relay.baseUrl(), TOKEN);
    }

    @AfterEach
    void stop() {
        relay.close();
        alpha.close();
        beta.close();
    }

    private static List<JsonNode> chatBodies(FakeUpstream u) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (FakeUpstream.RecordedRequest r : u.requests()) {
            if (r.path().equals("/v1/chat/completions")) out.add(Sse.JSON.readTree(r.bodyText()));
        }
        return out;
    }

    private JsonNode create(String json) throws Exception {
        Admin.Answer a = admin.call("POST", "/admin/keys", json);
        assertEquals(201, a.status(), a.text());
        return a.body();
    }

    private Sse chat(String key, String extraFields, String say) throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true," + extraFields + "\"messages\":[{\"role\":\"user\",\"content\":"
                + Sse.JSON.valueToTree("say:" + say) + "}]}";
        return Sse.post(relay.baseUrl() + "/v1/chat/completions", "Bearer " + key, body);
    }

    @Test
    void aBoundKeyGoesToItsUpstreamWithDefaultsAndCapsAndAPatchTakesEffectOnTheNextRequest() throws Exception {
        JsonNode k = create("{\"name\":\"team-a\",\"upstream\":\"beta\",\"defaults\":{\"temperature\":0.3,\"user\":\"team-a\"},"
                + "\"caps\":{\"max_tokens\":100}}");
        assertEquals("beta", k.get("upstream").asText());
        assertEquals("{\"temperature\":0.3,\"user\":\"team-a\"}", k.get("defaults").toString());
        String secret = k.get("key").asText();

        Sse first = chat(secret, "\"max_tokens\":5000,", "All good here.");
        assertEquals(200, first.status(), first.body());
        assertTrue(first.done());
        assertEquals("All good here.", first.text());
        assertEquals(List.of(), chatBodies(alpha), "alpha has the higher priority, but the key is bound to beta");
        JsonNode sent = chatBodies(beta).get(0);
        assertEquals(0.3, sent.get("temperature").asDouble());
        assertEquals("team-a", sent.get("user").asText());
        assertEquals(100, sent.get("max_tokens").asInt(), "capped");
        assertEquals("gpt-4o-mini", sent.get("model").asText());
        assertEquals("Bearer sk-beta", beta.requests().stream().filter(r -> r.path().equals("/v1/chat/completions"))
                .findFirst().orElseThrow().header("authorization"));

        Sse own = chat(secret, "\"temperature\":1.2,", "Still fine.");
        assertEquals(200, own.status(), own.body());
        JsonNode second = chatBodies(beta).get(1);
        assertEquals(1.2, second.get("temperature").asDouble(), "the request's own value wins over a default");
        assertEquals(100, second.get("max_tokens").asInt(), "an omitted capped parameter is sent at the cap");

        Admin.Answer patched = admin.call("PATCH", "/admin/keys/" + k.get("id").asText(), "{\"caps\":{\"max_tokens\":10}}");
        assertEquals(200, patched.status(), patched.text());
        assertEquals("beta", patched.body().get("upstream").asText(), "a patch of the caps keeps the upstream");
        assertEquals(0.3, patched.body().at("/defaults/temperature").asDouble(), "and the defaults");
        Sse third = chat(secret, "\"max_tokens\":50,", "Fine again.");
        assertEquals(200, third.status(), third.body());
        assertEquals(10, chatBodies(beta).get(2).get("max_tokens").asInt());

        Admin.Answer shown = admin.call("GET", "/admin/keys/" + k.get("id").asText(), null);
        assertEquals("{\"max_tokens\":10}", shown.body().get("caps").toString());
        assertFalse(shown.text().contains(secret), "the secret is shown once, at creation");
    }

    @Test
    void defaultsDoNotChangeTheModerationDecision() throws Exception {
        Admin.Answer refused = admin.call("POST", "/admin/keys", "{\"name\":\"sly\",\"defaults\":{\"moderation\":false}}");
        assertEquals(400, refused.status(), refused.text());
        String secret = create("{\"name\":\"bound\",\"upstream\":\"beta\",\"defaults\":{\"temperature\":0}}").get("key").asText();
        Sse cut = chat(secret, "", "Fine start. Then forbiddenword appears. And more text after it.");
        assertEquals(200, cut.status(), cut.body());
        assertEquals("content_filter", cut.finishReason(), cut.body());
        assertFalse(cut.body().contains("forbiddenword"));
        assertTrue(cut.done());
    }

    @Test
    void aKeyBoundToAnUpstreamTheRelayDoesNotHaveIsRefusedNotRoutedElsewhere() throws Exception {
        String secret = create("{\"name\":\"lost\",\"upstream\":\"gamma\"}").get("key").asText();
        Sse r = chat(secret, "", "Hello.");
        assertEquals(403, r.status(), r.body());
        assertEquals("upstream_not_available", Sse.JSON.readTree(r.body()).at("/error/code").asText());
        assertEquals(List.of(), chatBodies(alpha));
        assertEquals(List.of(), chatBodies(beta));

        String unbound = create("{\"name\":\"plain\"}").get("key").asText();
        assertEquals(200, chat(unbound, "", "Hello.").status());
        assertEquals(1, chatBodies(alpha).size(), "an unbound key is routed by priority as before");
        assertFalse(chatBodies(alpha).get(0).has("temperature"), "and gets no defaults");
    }
}
