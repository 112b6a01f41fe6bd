package modrelay.loadtests.access;

import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two relay instances behind one PostgreSQL: a sub-key's token budget, tokens per minute and requests per
 * minute hold across both, and GET /admin/usage adds up to what each exchange used.
 *
 * <p>The upstream here reports no usage ({@code "stream_usage": false}, streams): the relay counts every
 * exchange with its tokenizer, so a request's real use equals its reservation (prompt + its max_tokens,
 * which the test sets to the reply's count) and how many requests fit is exact, whatever their order.
 */
class SharedPostgresBudgetTest {
    @RegisterExtension
    static final RelayFixture SCOPE = RelayFixture.scope();
    static final String TOKEN = "admin-token-shared-budgets-1";
    static final String ADMIN = "Bearer " + TOKEN;
    static final String REPLY = "Budgets hold across instances.";
    static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    static final long PROMPT = O200K.countTokensOrdinary("say:" + REPLY);
    static final long COMPLETION = O200K.countTokensOrdinary(REPLY);
    static final long PER_REQUEST = PROMPT + COMPLETION;

    private static FakeUpstream upstream;
    private static RunningRelay a;
    private static RunningRelay b;

    @BeforeAll
    static void start() throws Exception {
        String url = SharedPostgresQuotaTest.freshSchema();
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO).withRecordRequests(false));
        String upstreams = "[{\"name\":\"fake\",\"url\":\"" + upstream.baseUrl() + "/v1\",\"keys\":[\"sk-server\"],"
                + "\"models\":[\"*\"],\"stream_usage\":false}]";
        Map<String, String> env = Map.of("DATABASE_URL", url, "ADMIN_TOKEN", TOKEN, "UPSTREAMS", upstreams, "SUBKEY_REFRESH", "0");
        a = SCOPE.startIn(upstream, env, Clock.systemUTC());
        b = SCOPE.startIn(upstream, env, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (upstream != null) upstream.close();
    }

    /** A key made through a; b learns of it through its reload, as an operator would trigger it. */
    private static String[] key(String limits) throws Exception {
        HttpResponse<String> created = TestHttp.call("POST", a.baseUrl() + "/admin/keys", ADMIN, "{\"name\":\"shared\"," + limits + "}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(200, TestHttp.call("POST", b.baseUrl() + "/admin/reload", ADMIN, "{}").statusCode());
        return new String[] {TestHttp.body(created).get("key").asText(), TestHttp.body(created).get("id").asText()};
    }

    private static HttpRequest.Builder streamed(RunningRelay r, String secret) {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"max_tokens\":" + COMPLETION + ",\"messages\":[{\"role\":"
                + "\"user\",\"content\":" + TestHttp.JSON.valueToTree("say:" + REPLY) + "}]}";
        return TestHttp.request(r.v1() + "/chat/completions", "Bearer " + secret).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void aTokenBudgetIsNeverOverspentByConcurrentRequestsThroughBothInstances() throws Exception {
        long budget = 5 * PER_REQUEST + PER_REQUEST / 2;
        String[] k = key("\"token_budget\":" + budget);
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        // 16 at once, 8 through each instance: three times what fits
        for (int i = 0; i < 8; i++) {
            for (RunningRelay r : List.of(a, b)) all.add(TestHttp.sendAsync(streamed(r, k[0])));
        }
        int ok = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.join();
            if (r.statusCode() == 200) {
                assertTrue(r.body().contains("[DONE]"), r.body());
                ok++;
            } else {
                assertEquals("insufficient_quota", TestHttp.error(r, 429).get("code").asText());
                assertTrue(TestHttp.error(r, 429).get("message").asText().contains("token_budget"));
            }
        }
        assertEquals(5, ok, "5 requests of " + PER_REQUEST + " tokens fit in " + budget);
        JsonNode seen = TestHttp.body(TestHttp.get(b.baseUrl() + "/admin/keys/" + k[1], ADMIN));
        assertEquals(5 * PER_REQUEST, seen.get("tokens_used").asLong());
        assertEquals(budget, seen.get("token_budget").asLong());

        // What each instance recorded adds up: b's waiting records are written by its own report first.
        TestHttp.get(b.baseUrl() + "/admin/usage?key=" + k[1], ADMIN);
        JsonNode usage = TestHttp.body(TestHttp.get(a.baseUrl() + "/admin/usage?group_by=key&key=" + k[1], ADMIN));
        JsonNode row = usage.get("data").get(0);
        assertEquals(k[1], row.get("key").asText());
        assertEquals(5, row.get("requests").asLong());
        assertEquals(5, row.get("estimated_requests").asLong());
        assertEquals(5 * PROMPT, row.get("prompt_tokens").asLong());
        assertEquals(5 * COMPLETION, row.get("completion_tokens").asLong());
    }

    @Test
    void tokensPerMinuteAnswer429WithRetryAfterWhicheverInstanceIsAsked() throws Exception {
        String[] k = key("\"tokens_per_minute\":" + (2 * PER_REQUEST + 1));
        HttpResponse<String> limited = null;
        for (int i = 0; i < 6 && limited == null; i++) {
            HttpResponse<String> r = TestHttp.send(streamed(i % 2 == 0 ? a : b, k[0]));
            if (r.statusCode() != 200) limited = r;
        }
        assertNotNull(limited, "two requests fit in a minute, the third does not");
        JsonNode e = TestHttp.error(limited, 429);
        assertEquals("rate_limit_exceeded", e.get("code").asText());
        assertEquals("tokens", e.get("type").asText());
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    }

    @Test
    void requestsPerMinuteAreSharedByTheInstances() throws Exception {
        String[] k = key("\"requests_per_minute\":2");
        for (int attempt = 0; attempt < 2; attempt++) {
            long minute = System.currentTimeMillis() / 60_000;
            List<Integer> statuses = new ArrayList<>();
            for (RunningRelay r : List.of(a, b, a, b)) statuses.add(TestHttp.send(streamed(r, k[0])).statusCode());
            if (System.currentTimeMillis() / 60_000 != minute) continue; // a new minute began mid-way: its count restarted
            // each instance saw two requests (its own limit would let them pass); together they were four
            assertEquals(List.of(200, 200, 429, 429), statuses.subList(0, 4).stream().sorted().toList());
            return;
        }
        fail("two attempts in a row straddled a minute");
    }

    @Test
    void adminUsageAddsUpToWhatEveryExchangeUsed() throws Exception {
        String[] k = key("\"remaining_requests\":100");
        long prompt = 0;
        long completion = 0;
        int requests = 0;
        for (String model : List.of("gpt-4o-mini", "gpt-4.1-nano")) {
            for (RunningRelay r : List.of(a, b)) {
                for (String reply : List.of("One.", "Two words.", "Three whole words.")) {
                    HttpResponse<String> answer = TestHttp.call("POST", r.v1() + "/chat/completions", "Bearer " + k[0],
                            TestHttp.chat(model, reply));
                    assertEquals(200, answer.statusCode(), answer.body());
                    JsonNode usage = TestHttp.body(answer).get("usage");
                    prompt += usage.get("prompt_tokens").asLong();
                    completion += usage.get("completion_tokens").asLong();
                    requests++;
                }
            }
        }
        TestHttp.get(b.baseUrl() + "/admin/usage", ADMIN);
        JsonNode report = TestHttp.body(TestHttp.get(a.baseUrl() + "/admin/usage?group_by=model,day&key=" + k[1], ADMIN));
        assertEquals(2, report.get("data").size(), report.toString());
        JsonNode totals = report.get("totals");
        assertEquals(requests, totals.get("requests").asLong());
        assertEquals(prompt, totals.get("prompt_tokens").asLong());
        assertEquals(completion, totals.get("completion_tokens").asLong());
        assertEquals(0, totals.get("estimated_requests").asLong());
        long perModel = 0;
        for (JsonNode row : report.get("data")) perModel += row.get("requests").asLong();
        assertEquals(requests, perModel);
        String csv = TestHttp.get(a.baseUrl() + "/admin/usage?group_by=model&format=csv&key=" + k[1], ADMIN).body();
        assertTrue(csv.startsWith("model,requests,prompt_tokens,completion_tokens,cached_tokens,reasoning_tokens,"
                + "estimated_requests,cost\r\n"), csv);
        assertEquals(3, csv.split("\r\n").length, csv);
    }
}
