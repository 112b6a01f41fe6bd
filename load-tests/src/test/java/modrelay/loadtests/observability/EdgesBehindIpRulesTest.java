package modrelay.loadtests.observability;

import static modrelay.loadtests.fixture.ChatLog.*;
import static modrelay.loadtests.fixture.TestHttp.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics is behind the IP rules and its token; what the IP rules refuse is in the access log. */
class EdgesBehindIpRulesTest {
    private static final String TOKEN = "metrics-token-0123456789";
    @RegisterExtension
    static final RelayFixture relays = RelayFixture.lazy(RelaySpec.withFakeUpstream(
            FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));

    /** A relay (in front of a fake of its own) that the test closes itself. */
    private static RunningRelay relay(Map<String, String> env) {
        return relays.start(s -> s.env(env));
    }

    @Test
    void metricsAreRefusedToClientsTheIpRulesRefuseEvenWithTheToken() throws Exception {
        RunningRelay relay = relay(Map.of("IP_BLACKLIST", "127.0.0.0/8", "METRICS_TOKEN", TOKEN));
        try {
            HttpResponse<String> m = get(relay.baseUrl() + "/metrics", "Bearer " + TOKEN);
            assertEquals(403, m.statusCode(), m.body());
            assertTrue(m.body().contains("ip_not_allowed"), m.body());
            assertFalse(m.body().contains("modrelay_"), "no metric leaks in the refusal");
            assertEquals(200, get(relay.baseUrl() + "/healthz", null).statusCode(), "health stays open");
        } finally {
            relay.close();
        }
        relay = relay(Map.of("IP_WHITELIST", "10.0.0.0/8"));
        try {
            assertEquals(403, get(relay.baseUrl() + "/metrics", null).statusCode(), "a whitelist keeps others out of /metrics too");
        } finally {
            relay.close();
        }
    }

    @Test
    void withinTheIpRulesTheTokenIsStillNeeded() throws Exception {
        RunningRelay relay = relay(Map.of("IP_WHITELIST", "127.0.0.1", "METRICS_TOKEN", TOKEN));
        try {
            assertEquals(401, get(relay.baseUrl() + "/metrics", null).statusCode());
            assertEquals(401, get(relay.baseUrl() + "/metrics", "Bearer wrong").statusCode());
            HttpResponse<String> ok = get(relay.baseUrl() + "/metrics", "Bearer " + TOKEN);
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("modrelay_active_streams"), ok.body());
        } finally {
            relay.close();
        }
    }

    @Test
    void aRequestTheIpRulesRefuseGetsAnAccessLogLine() throws Exception {
        try (CapturedOutput out = new CapturedOutput()) {
            RunningRelay relay = relay(Map.of("IP_BLACKLIST", "127.0.0.0/8"));
            try {
                HttpResponse<String> r = post(relay.baseUrl() + "/v1/chat/completions", "Bearer sk-x", chatBody("x.", false, ""),
                        "X-Request-Id", "trace-ip-refused-1");
                assertEquals(403, r.statusCode());
                List<String> access = out.jsonLines().stream().filter(l -> l.contains("\"modrelay.access\"")).toList();
                String line = access.stream().filter(l -> l.contains("{\"request_id\":\"trace-ip-refused-1\"}")).findFirst()
                        .orElseThrow(() -> new AssertionError(String.join("\n", access)));
                assertTrue(line.contains("{\"status\":\"403\"}"), line);
                assertTrue(line.contains("{\"outcome\":\"ip_refused\"}"), line);
                assertTrue(line.contains("{\"ip\":\"127.0.0.1\"}"), line);
                assertTrue(line.contains("{\"path\":\"\\/v1\\/chat\\/completions\"}"), line); // JSON escapes the slashes
                assertFalse(line.contains("sk-x"), line);
            } finally {
                relay.close();
            }
        }
    }
}
