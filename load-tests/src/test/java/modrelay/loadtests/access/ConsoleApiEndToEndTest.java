package modrelay.loadtests.access;

import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoints the console reads, over HTTP against a real relay: the console's files and
 * their headers, the overview, the audit ring after a real cut, the effective configuration without
 * any secret, and the chat log endpoint that is there only with LOG_CHAT.
 */
class ConsoleApiEndToEndTest {
    @RegisterExtension
    static final RelayFixture SCOPE = RelayFixture.scope();
    static final String TOKEN = "console-api-admin-token-0123456789";
    static final String ADMIN = "Bearer " + TOKEN;
    static final String UPSTREAM_KEY = "sk-console-api-upstream-0123456789";
    static final String PROXY_KEY = "pk-console-api-proxy-0123456789";
    static final String METRICS_TOKEN = "metrics-console-api-0123456789";

    @TempDir
    static Path dir;
    private static FakeUpstream upstream;
    private static RunningRelay relay;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(java.time.Duration.ZERO));
        Path keywords = dir.resolve("keywords.txt");
        Files.writeString(keywords, "forbiddenword\n");
        relay = SCOPE.startIn(upstream, Map.of("ADMIN_TOKEN", TOKEN, "DATA_DIR", dir.resolve("db").toString(),
                "OPENAI_KEY", UPSTREAM_KEY, "PROXY_KEY", PROXY_KEY, "METRICS_TOKEN", METRICS_TOKEN,
                "MODERATION_KEYWORDS_FILE", keywords.toString(), "SUBKEY_REFRESH", "0"), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (relay != null) relay.close();
        if (upstream != null) upstream.close();
    }

    @Test
    void theConsoleIsServedWithoutATokenUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = TestHttp.get(relay.baseUrl() + "/admin/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script type=\"module\" src=\"assets/app.js\">"));
        assertFalse(page.body().contains("<script>") || page.body().contains("style="), "no inline script or style");
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
        assertEquals("DENY", page.headers().firstValue("x-frame-options").orElseThrow());
        assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElseThrow());

        HttpResponse<String> js = TestHttp.get(relay.baseUrl() + "/admin/assets/app.js", null);
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
        assertEquals(200, TestHttp.get(relay.baseUrl() + "/admin/assets/style.css", null).statusCode());
        assertEquals(301, TestHttp.get(relay.baseUrl() + "/admin", null).statusCode());
        for (String bad : List.of("/admin/assets/nothing.js", "/admin/assets/..%2Fmodrelay.db", "/admin/assets/index.html",
                "/admin/assets/App.JS")) {
            assertNotEquals(200, TestHttp.get(relay.baseUrl() + bad, null).statusCode(), bad);
        }
        // The data is behind the token, as every admin call.
        assertEquals("invalid_admin_token", TestHttp.error(TestHttp.get(relay.baseUrl() + "/admin/overview", null), 401).get("code").asText());
        assertEquals(401, TestHttp.get(relay.baseUrl() + "/admin/config", "Bearer wrong-" + TOKEN).statusCode());

        try (RunningRelay none = SCOPE.startIn(upstream, Map.of("PROXY_KEY", "pk-no-admin-0123456789"), Clock.systemUTC())) {
            assertEquals(404, TestHttp.get(none.baseUrl() + "/admin/", null).statusCode(), "no ADMIN_TOKEN, no console");
        }
    }

    @Test
    void theOverviewCountsTrafficAndShowsUpstreamAndKeyStates() throws Exception {
        long before = TestHttp.body(TestHttp.get(relay.baseUrl() + "/admin/overview", ADMIN)).at("/requests/total").asLong();
        assertEquals(200, TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer " + PROXY_KEY, TestHttp.chat("gpt-4o-mini", "Hi."))
                .statusCode());
        assertEquals(401, TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer nope", TestHttp.chat("gpt-4o-mini", "Hi."))
                .statusCode());
        HttpResponse<String> r = TestHttp.get(relay.baseUrl() + "/admin/overview", ADMIN);
        assertEquals(200, r.statusCode());
        assertEquals("no-store", r.headers().firstValue("cache-control").orElseThrow(), "data is never cached");
        JsonNode o = TestHttp.body(r);
        assertEquals(before + 2, o.at("/requests/total").asLong(), "the two relayed requests, not the admin calls: " + o);
        assertTrue(o.at("/requests/client_errors").asLong() >= 1);
        assertEquals(0, o.at("/streams/open").asInt());
        assertEquals("keywords", o.at("/moderation/moderator").asText());
        assertEquals("default", o.at("/upstreams/0/name").asText());
        assertEquals("up", o.at("/upstreams/0/status").asText());
        assertEquals("key-1", o.at("/upstreams/0/keys/0/key").asText());
        assertEquals("active", o.at("/upstreams/0/keys/0/state").asText());
        assertFalse(r.body().contains(UPSTREAM_KEY));
    }

    @Test
    void aCutIsInTheAuditRingWithItsIdsButNotItsText() throws Exception {
        String id = "console-api-cut-" + System.nanoTime();
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"moderation\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"say:All fine. Then forbiddenword shows up. Bye.\"}]}";
        HttpResponse<String> cut = TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer " + PROXY_KEY, body, "X-Request-Id", id);
        assertTrue(cut.body().contains("content_filter"), cut.body());

        HttpResponse<String> r = TestHttp.get(relay.baseUrl() + "/admin/moderation/events?limit=50", ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode event = null;
        for (JsonNode e : TestHttp.body(r).get("data")) if (e.get("request_id").asText().equals(id)) event = e;
        assertNotNull(event, r.body());
        assertEquals("cut_blocked", event.get("outcome").asText());
        assertEquals("keywords", event.get("source").asText());
        assertEquals("block", event.get("suggestion").asText());
        assertEquals("Keyword", event.get("label").asText());
        assertEquals("forbiddenword", event.get("sub_label").asText());
        assertEquals("key-1", event.get("client").asText());
        assertEquals("gpt-4o-mini", event.get("model").asText());
        assertTrue(event.get("chat_log_entry").isNull(), "LOG_CHAT is off: no link");
        assertFalse(r.body().contains("Then forbiddenword shows up") || r.body().contains("All fine."), "never the text");

        // An input refused before anything went upstream is an event too.
        String inputId = "console-api-input-" + System.nanoTime();
        String asked = "{\"model\":\"gpt-4o-mini\",\"moderation_input\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"please say forbiddenword now\"}]}";
        assertEquals("content_filter", TestHttp.error(TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer " + PROXY_KEY, asked,
                "X-Request-Id", inputId), 400).get("code").asText());
        JsonNode one = TestHttp.body(TestHttp.get(relay.baseUrl() + "/admin/moderation/events?limit=1", ADMIN)).get("data");
        assertEquals(1, one.size());
        JsonNode latest = one.get(0);
        assertEquals(inputId, latest.get("request_id").asText());
        assertEquals("input_cut_blocked", latest.get("outcome").asText());
        assertEquals("forbiddenword", latest.get("sub_label").asText());
        assertFalse(latest.toString().contains("please say"), "never the text");

        for (String bad : List.of("0", "-1", "abc", "100000")) {
            TestHttp.error(TestHttp.get(relay.baseUrl() + "/admin/moderation/events?limit=" + bad, ADMIN), 400);
        }
    }

    @Test
    void theConfigurationHasEverySettingAndNoSecret() throws Exception {
        HttpResponse<String> r = TestHttp.get(relay.baseUrl() + "/admin/config", ADMIN);
        assertEquals(200, r.statusCode());
        for (String secret : List.of(TOKEN, UPSTREAM_KEY, PROXY_KEY, METRICS_TOKEN)) {
            assertFalse(r.body().contains(secret), "a secret in /admin/config");
            assertFalse(r.body().contains(secret.substring(0, 14)), "part of a secret in /admin/config");
        }
        JsonNode s = TestHttp.body(r).get("settings");
        assertEquals("[redacted]", s.at("/access/admin_token").asText());
        assertEquals("[redacted]", s.at("/observability/metrics_token").asText());
        assertEquals("[redacted]", s.at("/upstream/keys/0").asText());
        assertEquals(upstream.baseUrl(), s.at("/upstream/base_url").asText());
        assertTrue(s.at("/moderation/keywords_file").asText().endsWith("keywords.txt"));
    }

    @Test
    void theChatLogEntryIsThereOnlyWithTheChatLog() throws Exception {
        assertEquals("chat_log_off", TestHttp.error(TestHttp.get(relay.baseUrl() + "/admin/chat/some-request", ADMIN), 404).get("code").asText());
        TestHttp.error(TestHttp.get(relay.baseUrl() + "/admin/chat/some-request", null), 401);
    }
}
