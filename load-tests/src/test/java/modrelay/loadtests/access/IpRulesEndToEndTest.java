package modrelay.loadtests.access;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** IP rules through real sockets: blacklist, whitelist behind trusted proxies, IPv6, no spoofing, reload. */
class IpRulesEndToEndTest {
    @RegisterExtension
    static final RelayFixture relays = RelayFixture.lazy(RelaySpec.withFakeUpstream(
            FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));

    /** A relay (in front of a fake of its own) that the test closes itself. */
    private static RunningRelay relay(Map<String, String> env) {
        return relays.start(s -> s.env(env));
    }

    private static HttpResponse<String> chat(RunningRelay r, String... headers) throws Exception {
        return TestHttp.call("POST", r.v1() + "/chat/completions", "Bearer sk-client", TestHttp.chat("gpt-4o-mini", "hi."), headers);
    }

    @Test
    void aBlacklistedClientGets403InOpenAiShapeWhileHealthStaysOpen() throws Exception {
        try (RunningRelay r = relay(Map.of("IP_BLACKLIST", "127.0.0.0/8"))) {
            int before = r.upstream().requests().size();
            JsonNode e = TestHttp.error(chat(r), 403);
            assertEquals("ip_not_allowed", e.get("code").asText());
            assertTrue(e.get("message").asText().contains("IP_BLACKLIST"), e.toString());
            assertTrue(e.get("message").asText().contains("127.0.0.1"), e.toString());
            assertEquals(before, r.upstream().requests().size(), "nothing reached the upstream");
            assertEquals(200, TestHttp.get(r.baseUrl() + "/healthz", null).statusCode());
            assertEquals(200, TestHttp.get(r.baseUrl() + "/readyz", null).statusCode());
            TestHttp.error(TestHttp.get(r.baseUrl() + "/admin/keys", null), 403);
        }
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsJudged() throws Exception {
        try (RunningRelay r = relay(Map.of("IP_WHITELIST", "10.0.0.0/8", "TRUSTED_PROXIES", "127.0.0.1/32"))) {
            assertEquals(200, chat(r, "X-Forwarded-For", "10.1.2.3").statusCode());
            // The proxy appended 203.0.113.9 (the peer it saw); what the client wrote to the left does not count.
            assertEquals("IP_WHITELIST" , msgRule(TestHttp.error(chat(r, "X-Forwarded-For", "10.1.2.3, 203.0.113.9"), 403)));
            // No header: the proxy itself is the client, and it is not whitelisted.
            TestHttp.error(chat(r), 403);
        }
    }

    @Test
    void withoutTrustedProxiesForwardedForCannotSpoofAWhitelistedAddress() throws Exception {
        try (RunningRelay r = relay(Map.of("IP_WHITELIST", "10.0.0.0/8"))) {
            TestHttp.error(chat(r, "X-Forwarded-For", "10.1.2.3"), 403);
        }
    }

    @Test
    void ipv6RangesApply() throws Exception {
        try (RunningRelay r = relay(Map.of("IP_BLACKLIST", "2001:db8::/32", "TRUSTED_PROXIES", "127.0.0.1"))) {
            TestHttp.error(chat(r, "X-Forwarded-For", "2001:db8:0:1::5"), 403);
            assertEquals(200, chat(r, "X-Forwarded-For", "[2001:db9::5]:51000").statusCode());
        }
    }

    @Test
    void reloadReadsTheRulesAgainAndKeepsTheOldOnesWhenTheNewAreWrong() throws Exception {
        String token = "admin-token-for-ip-reload-1";
        try (RunningRelay r = relay(Map.of("TRUSTED_PROXIES", "127.0.0.1", "ADMIN_TOKEN", token, "PROXY_KEY", "pk-ip"))) {
            HttpResponse<String> ok = TestHttp.call("POST", r.v1() + "/chat/completions", "Bearer sk-x:pk-ip",
                    TestHttp.chat("gpt-4o-mini", "hi."), "X-Forwarded-For", "10.1.1.1");
            assertEquals(200, ok.statusCode(), ok.body());

            r.env().put("IP_BLACKLIST", "10.0.0.0/8");
            HttpResponse<String> reloaded = TestHttp.call("POST", r.baseUrl() + "/admin/reload", "Bearer " + token, "{}");
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            assertEquals(1, TestHttp.body(reloaded).get("ip_blacklist").asInt());
            TestHttp.error(TestHttp.call("POST", r.v1() + "/chat/completions", "Bearer sk-x:pk-ip", TestHttp.chat("gpt-4o-mini", "hi."),
                    "X-Forwarded-For", "10.1.1.1"), 403);

            r.env().put("IP_BLACKLIST", "10.0.0.0/99");
            JsonNode bad = TestHttp.error(TestHttp.call("POST", r.baseUrl() + "/admin/reload", "Bearer " + token, "{}"), 400);
            assertTrue(bad.get("message").asText().startsWith("IP_BLACKLIST must be"), bad.toString());
            TestHttp.error(TestHttp.call("POST", r.v1() + "/chat/completions", "Bearer sk-x:pk-ip", TestHttp.chat("gpt-4o-mini", "hi."),
                    "X-Forwarded-For", "10.1.1.1"), 403);
        }
    }

    private static String msgRule(JsonNode e) {
        String m = e.get("message").asText();
        return m.contains("IP_WHITELIST") ? "IP_WHITELIST" : m;
    }
}
