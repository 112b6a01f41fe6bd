package modrelay.loadtests.access;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IP rules through real sockets: blacklist, whitelist behind trusted proxies, IPv6, no spoofing, reload. */
class IpRulesEndToEndTest {
    private static FakeUpstream upstream;

    @BeforeAll
    static void upstream() {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(java.time.Duration.ZERO));
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    private static AccessRelay relay(Map<String, String> env) {
        return AccessRelay.start(upstream.baseUrl(), env, Clock.systemUTC());
    }

    private static HttpResponse<String> chat(AccessRelay r, String... headers) throws Exception {
        return Web.json("POST", r.v1() + "/chat/completions", "Bearer sk-client", Web.chat("gpt-4o-mini", "hi."), headers);
    }

    @Test
    void aBlacklistedClientGets403InOpenAiShapeWhileHealthStaysOpen() throws Exception {
        try (AccessRelay r = relay(Map.of("IP_BLACKLIST", "127.0.0.0/8"))) {
            int before = upstream.requests().size();
            JsonNode e = Web.error(chat(r), 403);
            assertEquals("ip_not_allowed", e.get("code").asText());
            assertTrue(e.get("message").asText().contains("IP_BLACKLIST"), e.toString());
            assertTrue(e.get("message").asText().contains("127.0.0.1"), e.toString());
            assertEquals(before, upstream.requests().size(), "nothing reached the upstream");
            assertEquals(200, Web.get(r.baseUrl + "/healthz", null).statusCode());
            assertEquals(200, Web.get(r.baseUrl + "/readyz", null).statusCode());
            Web.error(Web.get(r.baseUrl + "/admin/keys", null), 403);
        }
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsJudged() throws Exception {
        try (AccessRelay r = relay(Map.of("IP_WHITELIST", "10.0.0.0/8", "TRUSTED_PROXIES", "127.0.0.1/32"))) {
            assertEquals(200, chat(r, "X-Forwarded-For", "10.1.2.3").statusCode());
            // The proxy appended 203.0.113.9 (the peer it saw); what the client wrote to the left does not count.
            assertEquals("IP_WHITELIST" , msgRule(Web.error(chat(r, "X-Forwarded-For", "10.1.2.3, 203.0.113.9"), 403)));
            // No header: the proxy itself is the client, and it is not whitelisted.
            Web.error(chat(r), 403);
        }
    }

    @Test
    void withoutTrustedProxiesForwardedForCannotSpoofAWhitelistedAddress() throws Exception {
        try (AccessRelay r = relay(Map.of("IP_WHITELIST", "10.0.0.0/8"))) {
            Web.error(chat(r, "X-Forwarded-For", "10.1.2.3"), 403);
        }
    }

    @Test
    void ipv6RangesApply() throws Exception {
        try (AccessRelay r = relay(Map.of("IP_BLACKLIST", "2001:db8::/32", "TRUSTED_PROXIES", "127.0.0.1"))) {
            Web.error(chat(r, "X-Forwarded-For", "2001:db8:0:1::5"), 403);
            assertEquals(200, chat(r, "X-Forwarded-For", "[2001:db9::5]:51000").statusCode());
        }
    }

    @Test
    void reloadReadsTheRulesAgainAndKeepsTheOldOnesWhenTheNewAreWrong(@TempDir Path data) throws Exception {
        String token = "admin-token-for-ip-reload-1";
        try (AccessRelay r = relay(Map.of("TRUSTED_PROXIES", "127.0.0.1", "ADMIN_TOKEN", token, "DATA_DIR", data.toString(),
                "PROXY_KEY", "pk-ip"))) {
            HttpResponse<String> ok = Web.json("POST", r.v1() + "/chat/completions", "Bearer sk-x:pk-ip",
                    Web.chat("gpt-4o-mini", "hi."), "X-Forwarded-For", "10.1.1.1");
            assertEquals(200, ok.statusCode(), ok.body());

            r.env.put("IP_BLACKLIST", "10.0.0.0/8");
            HttpResponse<String> reloaded = Web.json("POST", r.baseUrl + "/admin/reload", "Bearer " + token, "{}");
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            assertEquals(1, Web.body(reloaded).get("ip_blacklist").asInt());
            Web.error(Web.json("POST", r.v1() + "/chat/completions", "Bearer sk-x:pk-ip", Web.chat("gpt-4o-mini", "hi."),
                    "X-Forwarded-For", "10.1.1.1"), 403);

            r.env.put("IP_BLACKLIST", "10.0.0.0/99");
            JsonNode bad = Web.error(Web.json("POST", r.baseUrl + "/admin/reload", "Bearer " + token, "{}"), 400);
            assertTrue(bad.get("message").asText().startsWith("IP_BLACKLIST must be"), bad.toString());
            Web.error(Web.json("POST", r.v1() + "/chat/completions", "Bearer sk-x:pk-ip", Web.chat("gpt-4o-mini", "hi."),
                    "X-Forwarded-For", "10.1.1.1"), 403);
        }
    }

    private static String msgRule(JsonNode e) {
        String m = e.get("message").asText();
        return m.contains("IP_WHITELIST") ? "IP_WHITELIST" : m;
    }
}
