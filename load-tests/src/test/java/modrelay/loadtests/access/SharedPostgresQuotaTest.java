package modrelay.loadtests.access;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import modrelay.config.DatabaseUrl;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two relay instances behind one PostgreSQL (as behind a load balancer): they share keys and
 * quota, and together never spend more requests than a key has.
 */
class SharedPostgresQuotaTest {
    static final String TOKEN = "admin-token-shared-postgres-1";
    static final String ADMIN = "Bearer " + TOKEN;

    private static FakeUpstream upstream;
    private static AccessRelay a;
    private static AccessRelay b;

    @BeforeAll
    static void start() throws Exception {
        String url = freshSchema();
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO).withRecordRequests(false));
        Map<String, String> env = Map.of("DATABASE_URL", url, "ADMIN_TOKEN", TOKEN, "OPENAI_KEY", "sk-server", "SUBKEY_REFRESH", "0");
        a = AccessRelay.start(upstream.baseUrl(), env, Clock.systemUTC());
        b = AccessRelay.start(upstream.baseUrl(), env, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (upstream != null) upstream.close();
    }

    /** A new schema on the server of MODRELAY_TEST_DATABASE_URL; skipped without one, failed on CI. */
    static String freshSchema() throws Exception {
        String raw = System.getenv("MODRELAY_TEST_DATABASE_URL");
        if (raw == null || raw.isBlank()) {
            String why = "MODRELAY_TEST_DATABASE_URL is unset: the shared-PostgreSQL test needs a server (run the PostgreSQL "
                    + "section of .ci/run)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(why);
            assumeTrue(false, why + "; skipped");
        }
        DatabaseUrl base = DatabaseUrl.parse("MODRELAY_TEST_DATABASE_URL", raw);
        String schema = "e2e_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(base.jdbcUrl(), base.user().orElse(null),
                base.password().map(p -> p.reveal()).orElse(null)); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return raw + (raw.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Test
    void twoInstancesTogetherSpendExactlyTheKeysRequests() throws Exception {
        HttpResponse<String> created = Web.json("POST", a.baseUrl + "/admin/keys", ADMIN, "{\"name\":\"shared\",\"remaining_requests\":25}");
        assertEquals(201, created.statusCode(), created.body());
        String secret = Web.body(created).get("key").asText();
        String id = Web.body(created).get("id").asText();
        // Instance b learns of the new key through its reload, as an operator would trigger it.
        assertEquals(200, Web.json("POST", b.baseUrl + "/admin/reload", ADMIN, "{}").statusCode());

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            for (AccessRelay r : List.of(a, b)) {
                all.add(Web.sendAsync(Web.request(r.v1() + "/chat/completions", "Bearer " + secret)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Web.chat("gpt-4o-mini", "ok.")))));
            }
        }
        int ok = 0;
        int limited = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.join();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals("insufficient_quota", Web.error(r, 429).get("code").asText());
                limited++;
            }
        }
        assertEquals(25, ok);
        assertEquals(55, limited);

        JsonNode seenByB = Web.body(Web.get(b.baseUrl + "/admin/keys/" + id, ADMIN));
        assertEquals(0, seenByB.get("remaining_requests").asInt());
        assertEquals(25, seenByB.get("requests_used").asInt());
        assertEquals("exhausted", seenByB.get("status").asText());
    }

    @Test
    void aKeyRevokedThroughOneInstanceStopsAtTheOtherAtOnce() throws Exception {
        HttpResponse<String> created = Web.json("POST", a.baseUrl + "/admin/keys", ADMIN, "{\"name\":\"to-revoke\"}");
        String secret = Web.body(created).get("key").asText();
        String id = Web.body(created).get("id").asText();
        assertEquals(200, Web.json("POST", b.baseUrl + "/admin/reload", ADMIN, "{}").statusCode());
        assertEquals(200, Web.json("POST", b.v1() + "/chat/completions", "Bearer " + secret, Web.chat("gpt-4o", "ok.")).statusCode());

        assertEquals(200, Web.json("DELETE", a.baseUrl + "/admin/keys/" + id, ADMIN, null).statusCode());
        // b has not reloaded: the database, which every spent request goes through, says no.
        JsonNode e = Web.error(Web.json("POST", b.v1() + "/chat/completions", "Bearer " + secret, Web.chat("gpt-4o", "ok.")), 401);
        assertEquals("subkey_revoked", e.get("code").asText());
    }
}
