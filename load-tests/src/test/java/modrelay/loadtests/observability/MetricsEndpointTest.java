package modrelay.loadtests.observability;

import static modrelay.loadtests.fixture.ChatLog.*;
import static modrelay.loadtests.fixture.TestHttp.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /metrics: Prometheus text from Micrometer, bounded labels, optional bearer token. */
class MetricsEndpointTest {
    @RegisterExtension
    final RelayFixture relay = RelayFixture.lazy(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults()
                    .withTokenInterval(Duration.ZERO)
                    .withStatusForKey("sk-metrics-limited-000000000001", 429).withRetryAfterSeconds(60))
            .withFakeTms(FakeTms.Options.defaults())
            .env("OPENAI_KEY", "sk-metrics-limited-000000000001,sk-metrics-healthy-000000000002",
                    "ROUTE_PREFIX", "/openai"));

    private void start(Map<String, String> extra) {
        relay.start(s -> s.env(extra));
    }

    @Test
    void trafficShowsUpByRouteStatusKeyAndModerationVerdict() throws Exception {
        start(Map.of());
        String v1 = relay.baseUrl() + "/openai/v1";
        for (int i = 0; i < 3; i++) assertEquals(200, post(v1 + "/chat/completions", null, chatBody("Fine.", true, "")).statusCode());
        post(v1 + "/chat/completions", null, chatBody("Fine. But forbidden now.", true, ",\"moderation_level\":\"high\""));
        assertEquals(200, post(v1 + "/embeddings", null, "{\"model\":\"m\",\"input\":\"x\"}").statusCode());
        assertEquals(200, get(v1 + "/models", null).statusCode());
        get(v1 + "/some/secret-looking/path-sk-abc", null);
        get(relay.baseUrl() + "/healthz", null);

        HttpResponse<String> r = get(relay.baseUrl() + "/metrics", null);
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
        HttpResponse<String> none = get(relay.baseUrl() + "/metrics", null);
        HttpResponse<String> wrong = get(relay.baseUrl() + "/metrics", "Bearer metrics-token-for-tests-124");
        HttpResponse<String> right = get(relay.baseUrl() + "/metrics", "Bearer metrics-token-for-tests-123");
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
        assertFalse(get(relay.baseUrl() + "/openai/metrics", "Bearer metrics-token-for-tests-123").body()
                .contains("modrelay_active_streams"));
    }
}
