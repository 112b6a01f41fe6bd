package modrelay.loadtests.observability;

import static modrelay.loadtests.fixture.ChatLog.*;
import static modrelay.loadtests.fixture.TestHttp.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs successes, 401s, a 429 rotation, a moderated cut and a Tencent auth failure through relays
 * configured with distinctive secrets (LOG_CHAT=true, logs rendered as LOG_FORMAT=json would print
 * them), then searches everything that leaves the relays for each secret: chat log files, log
 * output, stdout/stderr, /metrics and every response body and header.
 */
class SecretsNeverAppearTest {
    private static final String UP_LIMITED = "sk-obsv-LIMITED-7f3a9c2e1d5b";
    private static final String UP_REVOKED = "sk-obsv-REVOKED-4b8e6d0a2f9c";
    private static final String UP_HEALTHY = "sk-obsv-HEALTHY-9c1e5a7b3d0e";
    private static final String PROXY_ALPHA = "pk-obsv-ALPHA-2e9f4c7a1b6d";
    private static final String PROXY_BRAVO = "pk-obsv-BRAVO-8d3b6e0c5f1a";
    private static final String METRICS_TOKEN = "mt-obsv-TOKEN-5a1c9e3f7b2d";
    private static final String WRONG_TMS_KEY = "wrongTmsKey-obsv-3c7e1a9f5b8d";

    @TempDir
    Path logs;
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();

    @Test
    void noConfiguredSecretLeavesTheRelay() throws Exception {
        List<String> seen = new ArrayList<>();
        Path chatA = logs.resolve("a");
        Path chatB = logs.resolve("b");
        try (CapturedOutput out = new CapturedOutput();
                FakeUpstream upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)
                        .withStatusForKey(UP_LIMITED, 429).withStatusForKey(UP_REVOKED, 401).withRetryAfterSeconds(60));
                FakeTms tms = FakeTms.start(FakeTms.Options.defaults())) {
            Map<String, String> common = new HashMap<>(Map.of(
                    // Round robin: the limited key's 429 is retried on the healthy one; the revoked one's 401 too.
                    "OPENAI_KEY", UP_LIMITED + "," + UP_HEALTHY + "," + UP_REVOKED,
                    "PROXY_KEY", PROXY_ALPHA + "," + PROXY_BRAVO,
                    "METRICS_TOKEN", METRICS_TOKEN,
                    "LOG_CHAT", "true",
                    "TENCENT_CLOUD_SID", FakeTms.SECRET_ID,
                    "TENCENT_CLOUD_ENDPOINT", "http://" + tms.endpoint(),
                    "MODERATION_TIMEOUT", "2000"));

            Map<String, String> envA = new HashMap<>(common);
            envA.put("TENCENT_CLOUD_SKEY", FakeTms.SECRET_KEY);
            envA.put("LOG_DIR", chatA.toString());
            RunningRelay a = relays.start(RelaySpec.inFrontOf(upstream).env(envA));
            String v1 = a.baseUrl() + "/v1";
            // Successes with both proxy keys, through every upstream key (one answers 429, one 401: rotation).
            int answered = 0;
            for (int i = 0; i < 6; i++) {
                String proxyKey = i % 2 == 0 ? PROXY_ALPHA : PROXY_BRAVO;
                HttpResponse<String> r = post(v1 + "/chat/completions", "Bearer anything:" + proxyKey,
                        chatBody("Hello number " + i + ".", i % 3 == 0, ""), "X-Request-Id", "ok-" + i);
                seen.add(dump(r));
                if (r.statusCode() == 200) answered++;
            }
            assertTrue(answered >= 4, "most requests were answered despite the 429 and 401 keys: " + answered);
            // 401s: a wrong proxy key, none at all, and a proxy key sent the wrong way round.
            seen.add(dump(post(v1 + "/chat/completions", "Bearer " + PROXY_ALPHA + ":not-the-proxy-key", chatBody("x.", false, ""))));
            seen.add(dump(post(v1 + "/chat/completions", null, chatBody("x.", false, ""))));
            seen.add(dump(get(v1 + "/models", "Bearer " + UP_HEALTHY + ":wrong-proxy-key")));
            // A moderated cut.
            HttpResponse<String> cut = post(v1 + "/chat/completions", "Bearer x:" + PROXY_ALPHA,
                    chatBody("Fine start. Something forbidden here.", true, ",\"moderation_level\":\"high\""), "X-Request-Id", "cut-1");
            seen.add(dump(cut));
            assertTrue(cut.body().contains("content_filter"));
            // Metrics: refused without the token, served with it.
            HttpResponse<String> metricsRefused = get(a.baseUrl() + "/metrics", null);
            assertEquals(401, metricsRefused.statusCode());
            seen.add(dump(metricsRefused));
            HttpResponse<String> metrics = get(a.baseUrl() + "/metrics", "Bearer " + METRICS_TOKEN);
            assertEquals(200, metrics.statusCode());
            seen.add(dump(metrics));
            a.server().stop().toCompletableFuture().get(30, TimeUnit.SECONDS);

            // A relay whose Tencent key is wrong: the fake TMS answers AuthFailure, moderation fails closed.
            Map<String, String> envB = new HashMap<>(common);
            envB.put("TENCENT_CLOUD_SKEY", WRONG_TMS_KEY);
            envB.put("LOG_DIR", chatB.toString());
            envB.put("OPENAI_KEY", UP_HEALTHY);
            RunningRelay b = relays.start(RelaySpec.inFrontOf(upstream).env(envB));
            HttpResponse<String> unavailable = post(b.baseUrl() + "/v1/chat/completions", "Bearer x:" + PROXY_BRAVO,
                    chatBody("Anything at all.", true, ",\"moderation\":true"), "X-Request-Id", "tms-auth-1");
            seen.add(dump(unavailable));
            assertTrue(unavailable.body().contains("内容审核暂不可用"), unavailable.body());
            seen.add(dump(get(b.baseUrl() + "/metrics", "Bearer " + METRICS_TOKEN)));
            b.server().stop().toCompletableFuture().get(30, TimeUnit.SECONDS);

            String logged = out.all();
            // The capture must have seen what it is meant to search, or finding nothing proves nothing.
            assertTrue(logged.contains("{\"request_id\":\"ok-0\"}"), "access lines in JSON were captured");
            assertTrue(logged.contains("AuthFailure"), "the TMS auth failure was logged");
            assertTrue(logged.contains("rate limited"), "the 429 rotation was logged");
            assertTrue(logged.contains("rejected by the upstream"), "the 401 key was logged");
            seen.add(logged);
        }
        List<JsonNode> entriesA = chatEntries(chatA);
        List<JsonNode> entriesB = chatEntries(chatB);
        assertEquals(7, entriesA.size(), "six exchanges and the cut");
        assertEquals("unavailable", entry(entriesB, "tms-auth-1").at("/moderation/outcome").asText());
        seen.add(files(chatA));
        seen.add(files(chatB));

        String everything = String.join("\n", seen);
        for (String secret : List.of(UP_LIMITED, UP_REVOKED, UP_HEALTHY, PROXY_ALPHA, PROXY_BRAVO, METRICS_TOKEN,
                FakeTms.SECRET_KEY, WRONG_TMS_KEY, FakeTms.SECRET_ID)) {
            int at = everything.indexOf(secret);
            assertEquals(-1, at, () -> "secret found: …" + everything.substring(Math.max(0, at - 200),
                    Math.min(everything.length(), at + secret.length() + 50)) + "…");
        }
    }

    private static String dump(HttpResponse<String> r) {
        return r.statusCode() + " " + r.headers().map() + "\n" + r.body();
    }

    private static String files(Path dir) throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) all.append(Files.readString(f)).append('\n');
        }
        return all.toString();
    }
}
