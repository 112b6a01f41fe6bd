package modrelay.loadtests.observability;

import static modrelay.loadtests.observability.Observed.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.relay.RelayServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /metrics: Prometheus text from Micrometer, bounded labels, optional bearer token. */
class MetricsEndpointTest {
    private FakeUpstream upstream;
    private FakeTms tms;
    private RelayServer relay;

    private void start(Map<String, String> extra) {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)
                .withStatusForKey("sk-metrics-limited-000000000001", 429).withRetryAfterSeconds(60));
        tms = FakeTms.start(FakeTms.Options.defaults());
        Map<String, String> env = new HashMap<>(Map.of(
                "OPENAI_KEY", "sk-metrics-limited-000000000001,sk-metrics-healthy-000000000002",
                "TENCENT_CLOUD_SID", FakeTms.SECRET_ID,
                "TENCENT_CLOUD_SKEY", FakeTms.SECRET_KEY,
                "TENCENT_CLOUD_ENDPOINT", "http://" + tms.endpoint(),
                "ROUTE_PREFIX", "/openai"));
        env.putAll(extra);
        relay = relay(upstream.baseUrl(), env);
    }

    @AfterEach
    void stop() {
        if (relay != null) relay.close();
        if (upstream != null) upstream.close();
        if (tms != null) tms.close();
    }

    @Test
    void trafficShowsUpByRouteStatusKeyAndModerationVerdict() throws Exception {
        start(Map.of());
        String v1 = base(relay) + "/openai/v1";
        for (int i = 0; i < 3; i++) assertEquals(200, send(post(v1 + "/chat/completions", null, chat("Fine.", true, ""))).statusCode());
        send(post(v1 + "/chat/completions", null, chat("Fine. But forbidden now.", true, ",\"moderation_level\":\"high\"")));
        assertEquals(200, send(post(v1 + "/embeddings", null, "{\"model\":\"m\",\"input\":\"x\"}")).statusCode());
        assertEquals(200, get(v1 + "/models").statusCode());
        get(v1 + "/some/secret-looking/path-sk-abc");
        get(base(relay) + "/healthz");

        HttpResponse<String> r = get(base(relay) + "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        String m = r.body();
        assertTrue(m.contains("modrelay_requests_total{route=\"chat\",status=\"200\"} 4"), m);
        assertTrue(m.contains("modrelay_requests_total{route=\"embeddings\",status=\"200\"} 1"), m);
        assertTrue(m.contains("modrelay_requests_total{route=\"models\",status=\"200\"} 1"), m);
        assertTrue(m.contains("modrelay_requests_total{route=\"other\",status=\"404\"} 1"), m);
        assertFalse(m.contains("secret-looking"), "raw paths never become labels");
        assertFalse(m.contains("healthz"), "health checks are not counted");
        assertTrue(m.contains("modrelay_upstream_first_byte_seconds_bucket{route=\"chat\",le=\"+Inf\"} 4"), m);
        assertTrue(m.contains("modrelay_upstream_duration_seconds_count{route=\"chat\"} 4"), m);
        assertTrue(m.contains("modrelay_active_streams 0"), m);
        assertTrue(m.contains("modrelay_relayed_bytes_total{route=\"chat\"}"), m);
        assertTrue(m.contains("modrelay_moderation_verdicts_total{label=\"" + FakeTms.BLOCK_LABEL + "\",suggestion=\"block\"} 1"), m);
        assertTrue(m.contains("modrelay_moderation_calls_total{result=\"pass\",source=\"tencent\"}"), m);
        assertTrue(m.contains("modrelay_moderation_duration_seconds_count{source=\"tencent\"}"), m);
        assertTrue(m.contains("modrelay_moderation_cuts_total{reason=\"blocked\"} 1"), m);
        assertTrue(m.contains("modrelay_chat_log_dropped_total 0"), m);
        // The limited key answered 429 once and is cooling; the other one is active. Aliases hold no part of the key.
        assertTrue(m.contains("modrelay_upstream_key_state{key=\"key-1\",state=\"cooling\",upstream=\"default\"} 1"), m);
        assertTrue(m.contains("modrelay_upstream_key_state{key=\"key-2\",state=\"active\",upstream=\"default\"} 1"), m);
        assertFalse(m.contains("0001\""), m);
        assertFalse(m.contains("sk-metrics-limited-000000000001"));
        assertFalse(m.contains("sk-metrics-healthy-000000000002"));
    }

    @Test
    void aMetricsTokenIsAskedForInConstantTimeAndRefusedInOpenAiShape() throws Exception {
        start(Map.of("METRICS_TOKEN", "metrics-token-for-tests-123"));
        HttpResponse<String> none = get(base(relay) + "/metrics");
        HttpResponse<String> wrong = get(base(relay) + "/metrics", "Authorization", "Bearer metrics-token-for-tests-124");
        HttpResponse<String> right = get(base(relay) + "/metrics", "Authorization", "Bearer metrics-token-for-tests-123");
        for (HttpResponse<String> refused : new HttpResponse[] {none, wrong}) {
            assertEquals(401, refused.statusCode());
            JsonNode error = JSON.readTree(refused.body()).get("error");
            assertEquals("invalid_api_key", error.get("code").asText());
            assertFalse(refused.body().contains("metrics-token-for-tests"));
            assertTrue(refused.headers().firstValue("x-request-id").isPresent());
        }
        assertEquals(200, right.statusCode());
        assertTrue(right.body().contains("modrelay_active_streams"));
        // Under the route prefix /metrics is just another path relayed upstream, not the relay's own.
        assertFalse(get(base(relay) + "/openai/metrics", "Authorization", "Bearer metrics-token-for-tests-123").body()
                .contains("modrelay_active_streams"));
    }
}
