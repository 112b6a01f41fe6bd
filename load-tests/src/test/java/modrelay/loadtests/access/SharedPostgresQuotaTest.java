package modrelay.loadtests.access;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import modrelay.config.DatabaseUrl;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two relay instances behind one PostgreSQL (as behind a load balancer): they share keys and
 * quota, and together never spend more requests than a key has.
 */
class SharedPostgresQuotaTest {
    static final String TOKEN = "admin-token-shared-postgres-1";
    static final String ADMIN = "Bearer " + TOKEN;

    @RegisterExtension
    static final RelayFixture relays = RelayFixture.scope();
    private static RunningRelay a;
    private static RunningRelay b;

    @BeforeAll
    static void start() throws Exception {
        String url = freshSchema();
        FakeUpstream upstream = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)
                .withRecordRequests(false)));
        RelaySpec spec = RelaySpec.inFrontOf(upstream)
                .env("DATABASE_URL", url, "ADMIN_TOKEN", TOKEN, "OPENAI_KEY", "sk-server", "SUBKEY_REFRESH", "0");
        a = relays.start(spec);
        b = relays.start(spec);
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
        HttpResponse<String> created = TestHttp.call("POST", a.baseUrl() + "/admin/keys", ADMIN, "{\"name\":\"shared\",\"remaining_requests\":25}");
        assertEquals(201, created.statusCode(), created.body());
        String secret = TestHttp.body(created).get("key").asText();
        String id = TestHttp.body(created).get("id").asText();
        // Instance b learns of the new key through its reload, as an operator would trigger it.
        assertEquals(200, TestHttp.call("POST", b.baseUrl() + "/admin/reload", ADMIN, "{}").statusCode());

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            for (RunningRelay r : List.of(a, b)) {
                all.add(TestHttp.sendAsync(TestHttp.request(r.v1() + "/chat/completions", "Bearer " + secret)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(TestHttp.chat("gpt-4o-mini", "ok.")))));
            }
        }
        int ok = 0;
        int limited = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.join();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals("insufficient_quota", TestHttp.error(r, 429).get("code").asText());
                limited++;
            }
        }
        assertEquals(25, ok);
        assertEquals(55, limited);

        JsonNode seenByB = TestHttp.body(TestHttp.get(b.baseUrl() + "/admin/keys/" + id, ADMIN));
        assertEquals(0, seenByB.get("remaining_requests").asInt());
        assertEquals(25, seenByB.get("requests_used").asInt());
        assertEquals("exhausted", seenByB.get("status").asText());
    }

    @Test
    void aKeyRevokedThroughOneInstanceStopsAtTheOtherAtOnce() throws Exception {
        HttpResponse<String> created = TestHttp.call("POST", a.baseUrl() + "/admin/keys", ADMIN, "{\"name\":\"to-revoke\"}");
        String secret = TestHttp.body(created).get("key").asText();
        String id = TestHttp.body(created).get("id").asText();
        assertEquals(200, TestHttp.call("POST", b.baseUrl() + "/admin/reload", ADMIN, "{}").statusCode());
        assertEquals(200, TestHttp.call("POST", b.v1() + "/chat/completions", "Bearer " + secret, TestHttp.chat("gpt-4o", "ok.")).statusCode());

        assertEquals(200, TestHttp.call("DELETE", a.baseUrl() + "/admin/keys/" + id, ADMIN, null).statusCode());
        // b has not reloaded: the database, which every spent request goes through, says no.
        JsonNode e = TestHttp.error(TestHttp.call("POST", b.v1() + "/chat/completions", "Bearer " + secret, TestHttp.chat("gpt-4o", "ok.")), 401);
        assertEquals("subkey_revoked", e.get("code").asText());
    }
}
