package modrelay.loadtests.live;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams edited through the admin API while the relay runs: an added upstream takes the next request, a changed
 * key is the key the upstream sees next, a deleted upstream takes nothing more, and after a restart on the same
 * DATA_DIR the edited list is still the one requests go to. Keys sent are never answered back.
 */
class LiveUpstreamsEndToEndTest {
    private static final String TOKEN = "admin-token-live-0123456789";
    private static final String PROXY = "pk-live-0123456789abcdef";
    private static final String CHAT = "/chat/completions";

    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    @TempDir
    Path data;

    private FakeUpstream alpha;
    private FakeUpstream beta;

    private RunningRelay start(String... extra) {
        alpha = alpha != null ? alpha : relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
        beta = beta != null ? beta : relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
        return relays.start(RelaySpec.inFrontOf(alpha).env(Map.of(
                "UPSTREAMS", "[{\"name\":\"alpha\",\"url\":\"" + alpha.baseUrl() + "\",\"keys\":[\"sk-alpha-0001\"],"
                        + "\"models\":[\"gpt-4o-mini\"]}]",
                "ADMIN_TOKEN", TOKEN,
                "PROXY_KEY", PROXY,
                "DATA_DIR", data.toString(),
                "UPSTREAMS_REFRESH", "0",
                "SUBKEY_REFRESH", "0",
                "MODELS_REFRESH", "0")).env(extra));
    }

    private static HttpResponse<String> admin(RunningRelay relay, String method, String path, String json) throws Exception {
        return TestHttp.call(method, relay.url(path), "Bearer " + TOKEN, json);
    }

    private static HttpResponse<String> chat(RunningRelay relay) throws Exception {
        return TestHttp.post(relay.v1() + CHAT, "Bearer " + PROXY, TestHttp.chatBody("Hello there.", false));
    }

    /** The Authorization headers the fake's chat requests carried, in order. */
    private static List<String> chatKeys(FakeUpstream u) {
        List<String> out = new ArrayList<>();
        for (FakeUpstream.RecordedRequest r : u.requests()) if (r.path().equals("/v1" + CHAT)) out.add(r.header("authorization"));
        return out;
    }

    @Test
    void editsTakeEffectOnTheNextRequestWithoutARestartAndSurviveOne() throws Exception {
        RunningRelay relay = start();
        assertEquals(200, chat(relay).statusCode());
        assertEquals(List.of("Bearer sk-alpha-0001"), chatKeys(alpha));

        HttpResponse<String> added = admin(relay, "POST", "/admin/upstreams", "{\"name\":\"beta\",\"url\":\"" + beta.baseUrl()
                + "\",\"keys\":[\"sk-beta-first-0001\"],\"models\":[\"gpt-4o-mini\"],\"priority\":5}");
        assertEquals(201, added.statusCode(), added.body());
        assertFalse(added.body().contains("sk-beta-first-0001"), added.body());
        JsonNode shown = TestHttp.body(added);
        assertEquals(1, shown.get("key_count").asInt());
        assertEquals("sk-…0001", shown.at("/key_hints/0").asText());
        assertFalse(shown.has("keys"));

        HttpResponse<String> second = chat(relay);
        assertEquals(200, second.statusCode(), second.body());
        assertEquals(List.of("Bearer sk-beta-first-0001"), chatKeys(beta), "the higher priority upstream added live takes the next request");
        assertEquals(1, chatKeys(alpha).size());

        HttpResponse<String> rekeyed = admin(relay, "PATCH", "/admin/upstreams/beta", "{\"keys\":[\"sk-beta-second-0002\"]}");
        assertEquals(200, rekeyed.statusCode(), rekeyed.body());
        assertFalse(rekeyed.body().contains("sk-beta-second-0002"));
        assertEquals(200, chat(relay).statusCode());
        assertEquals("Bearer sk-beta-second-0002", chatKeys(beta).get(1), "the new key is the one the upstream sees next");

        relay.close();
        RunningRelay again = start();
        assertEquals(200, chat(again).statusCode());
        assertEquals(3, chatKeys(beta).size(), "after a restart the edited list still routes");
        assertEquals("Bearer sk-beta-second-0002", chatKeys(beta).get(2));
        JsonNode list = TestHttp.body(admin(again, "GET", "/admin/upstreams", null));
        assertEquals("database", list.get("source").asText());
        assertEquals(List.of("alpha", "beta"), names(list));

        HttpResponse<String> deleted = admin(again, "DELETE", "/admin/upstreams/beta", null);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(200, chat(again).statusCode());
        assertEquals(2, chatKeys(alpha).size(), "with beta gone the next request goes to alpha");
        assertEquals(3, chatKeys(beta).size());

        TestHttp.error(admin(again, "DELETE", "/admin/upstreams/alpha", null), 409);
        assertEquals(200, chat(again).statusCode(), "the refused delete left the last upstream in place");

        HttpResponse<String> audit = admin(again, "GET", "/admin/audit/config", null);
        assertEquals(200, audit.statusCode());
        for (String secret : List.of("sk-alpha-0001", "sk-beta-first-0001", "sk-beta-second-0002")) {
            assertFalse(audit.body().contains(secret), "the audit never holds a key");
        }
        List<String> actions = new ArrayList<>();
        for (JsonNode e : TestHttp.body(audit).get("data")) actions.add(e.get("actor").asText().split(":")[0] + " "
                + e.get("action").asText() + " " + e.get("upstream").asText());
        assertEquals(List.of("admin delete beta", "admin update beta", "admin create beta", "env-seed create alpha"), actions);
        JsonNode update = TestHttp.body(audit).get("data").get(1).get("changes");
        assertEquals("{\"count\":1,\"added\":[\"sk-…0002\"],\"removed\":[\"sk-…0001\"]}", update.get("keys").toString());
    }

    @Test
    void aBadEditIsRefusedInTheOpenAiShapeNamingTheFieldAndChangesNothing() throws Exception {
        RunningRelay relay = start();
        String secret = "sk-never-echoed-4242";
        record Case(String method, String path, String body, int status, String param) {}
        List<Case> cases = List.of(
                new Case("POST", "/admin/upstreams", "{\"name\":\"x\",\"url\":", 400, null),
                new Case("POST", "/admin/upstreams", "[{\"name\":\"x\"}]", 400, null),
                new Case("POST", "/admin/upstreams", "{\"name\":\"x\",\"url\":\"http://127.0.0.1:1\",\"colour\":\"red\",\"keys\":[\""
                        + secret + "\"]}", 400, "colour"),
                new Case("POST", "/admin/upstreams", "{\"name\":\"x\",\"url\":\"ftp://127.0.0.1\",\"keys\":[\"" + secret + "\"]}",
                        400, "url"),
                new Case("POST", "/admin/upstreams", "{\"name\":\"x\",\"url\":\"http://127.0.0.1:1\",\"keys\":[\"" + secret
                        + "\", 7]}", 400, "keys[1]"),
                new Case("POST", "/admin/upstreams", "{\"name\":\"bad name!\",\"url\":\"http://127.0.0.1:1\"}", 400, "name"),
                new Case("POST", "/admin/upstreams", "{\"name\":\"x\",\"url\":\"http://127.0.0.1:1\",\"weight\":0}", 400, "weight"),
                new Case("POST", "/admin/upstreams", "{\"name\":\"x\",\"preset\":\"nope\"}", 400, "preset"),
                new Case("POST", "/admin/upstreams", "{\"name\":\"alpha\",\"url\":\"http://127.0.0.1:1\",\"keys\":[\"" + secret
                        + "\"]}", 409, "name"),
                new Case("PUT", "/admin/upstreams/alpha", "{\"name\":\"other\",\"url\":\"http://127.0.0.1:1\"}", 400, "name"),
                new Case("PATCH", "/admin/upstreams/alpha", "{\"models\":[]}", 400, "models"),
                new Case("PATCH", "/admin/upstreams/nobody", "{\"weight\":2}", 404, null),
                new Case("DELETE", "/admin/upstreams/nobody", null, 404, null),
                new Case("POST", "/admin/upstreams/alpha/keys", "{\"keys\":[\"sk-alpha-0001\"]}", 409, "keys"),
                new Case("POST", "/admin/upstreams/alpha/keys", "{\"secret\":\"" + secret + "\"}", 400, "secret"),
                new Case("DELETE", "/admin/upstreams/alpha/keys/key-9", null, 404, null),
                new Case("GET", "/admin/audit/config?limit=0", null, 400, null));
        for (Case c : cases) {
            HttpResponse<String> r = admin(relay, c.method(), c.path(), c.body());
            JsonNode e = TestHttp.error(r, c.status());
            assertEquals(c.param(), e.get("param").isNull() ? null : e.get("param").asText(), c + " -> " + r.body());
            assertFalse(r.body().contains(secret), "a key is never answered back: " + r.body());
        }
        TestHttp.error(TestHttp.call("POST", relay.url("/admin/upstreams"), null, "{\"url\":\"http://127.0.0.1:1\"}"), 401);
        TestHttp.error(TestHttp.call("GET", relay.url("/admin/upstreams"), "Bearer wrong-token-000000000", null), 401);

        JsonNode list = TestHttp.body(admin(relay, "GET", "/admin/upstreams", null));
        assertEquals(List.of("alpha"), names(list), "nothing refused was stored");
        assertEquals(1, list.at("/data/0/key_count").asInt());
        assertEquals(1, TestHttp.body(admin(relay, "GET", "/admin/audit/config", null)).get("data").size(), "only the seed");
        assertEquals(200, chat(relay).statusCode());
    }

    @Test
    void keysAreAddedAndRemovedByAliasAndAnUpstreamNoLongerServingTheModelAnswers404() throws Exception {
        RunningRelay relay = start();
        HttpResponse<String> added = admin(relay, "POST", "/admin/upstreams/alpha/keys", "{\"keys\":[\"sk-alpha-0002\"]}");
        assertEquals(200, added.statusCode(), added.body());
        assertEquals(2, TestHttp.body(added).get("key_count").asInt());
        assertEquals(200, admin(relay, "DELETE", "/admin/upstreams/alpha/keys/key-1", null).statusCode());
        assertEquals(200, chat(relay).statusCode());
        assertEquals(List.of("Bearer sk-alpha-0002"), chatKeys(alpha), "the removed key is no longer used");

        assertEquals(200, admin(relay, "PATCH", "/admin/upstreams/alpha", "{\"models\":[\"gpt-4o\"]}").statusCode());
        JsonNode e = TestHttp.error(chat(relay), 404);
        assertEquals("model_not_found", e.get("code").asText());
        assertEquals(1, chatKeys(alpha).size());
    }

    @Test
    void withUpstreamsFromTheEnvironmentTheListIsShownAndEditsAreRefused() throws Exception {
        RunningRelay relay = start("UPSTREAMS_SOURCE", "env");
        JsonNode list = TestHttp.body(admin(relay, "GET", "/admin/upstreams", null));
        assertEquals("env", list.get("source").asText());
        assertEquals(List.of("alpha"), names(list));
        assertFalse(list.toString().contains("sk-alpha-0001"));
        JsonNode e = TestHttp.error(admin(relay, "POST", "/admin/upstreams", "{\"name\":\"beta\",\"url\":\"" + beta.baseUrl() + "\"}"), 409);
        assertEquals("upstreams_from_environment", e.get("code").asText());
        assertEquals(200, chat(relay).statusCode());
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode u : list.get("data")) out.add(u.get("name").asText());
        return out;
    }
}
