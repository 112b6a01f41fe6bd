package modrelay.loadtests.routing;

import static modrelay.loadtests.fixture.TestHttp.chat;
import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import modrelay.loadtests.fakes.FakeKeyErrors;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Server keys change state only on evidence about the key: answers a client can provoke with its own request
 * (a scope its key lacks, a request too large for any limit, a 403) reach the client unchanged and leave every
 * key in use; the upstream's own invalid-key 401 takes out that key and no other.
 */
class KeyEvidenceRoutingTest {
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private RunningRelay relay;

    private void start(FakeUpstream.Options options, String keys) {
        relay = relays.start(RelaySpec.withFakeUpstream(options.withTokenInterval(java.time.Duration.ZERO)).env("OPENAI_KEY", keys));
    }

    private List<String> keysSeen() {
        return relay.upstream().requests().stream().filter(r -> r.method().equals("POST")).map(r -> r.header("authorization")).toList();
    }

    private static long count(List<String> keys, String key) {
        return keys.stream().filter(("Bearer " + key)::equals).count();
    }

    /** Four ordinary requests after the provoked answers: round robin over two keys gives each two, if both are still in. */
    private void assertBothKeysStillServe() throws Exception {
        int before = keysSeen().size();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "still served.", false));
            assertEquals(200, r.statusCode(), r.body());
        }
        List<String> after = keysSeen().subList(before, before + 4);
        assertEquals(2, count(after, "sk-a"), after.toString());
        assertEquals(2, count(after, "sk-b"), after.toString());
        String metrics = relay.get("/metrics").body();
        assertFalse(metrics.matches("(?s).*modrelay_upstream_key_state\\{[^}]*state=\"(cooling|disabled)\"[^}]*} 1.*"), metrics);
    }

    @Test
    void scopeLimited401sReachTheClientUnchangedAndLeaveEveryKeyUsable() throws Exception {
        start(FakeUpstream.Options.defaults(), "sk-a,sk-b");
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false), "x-fake-error", "missing_scopes");
            assertEquals(401, r.statusCode());
            assertEquals(FakeKeyErrors.MISSING_SCOPES, r.body(), "the upstream's bytes, as they were");
        }
        assertEquals(6, keysSeen().size(), "not retried on the other key: it is the request, not the key");
        assertBothKeysStillServe();
    }

    @Test
    void requestSpecific429sReachTheClientAndCoolNoKey() throws Exception {
        start(FakeUpstream.Options.defaults(), "sk-a,sk-b");
        for (String error : List.of("request_too_large", "no_code_429", "request_too_large", "no_code_429")) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false), "x-fake-error", error);
            assertEquals(429, r.statusCode());
            assertEquals(error.equals("no_code_429") ? FakeKeyErrors.NO_CODE_429 : FakeKeyErrors.REQUEST_TOO_LARGE, r.body());
            assertEquals("60", r.headers().firstValue("retry-after").orElse(""), "the upstream's Retry-After is the client's");
        }
        assertEquals(4, keysSeen().size());
        assertBothKeysStillServe();
    }

    @Test
    void a403IsTheClientsAnswerAndTouchesNoKey() throws Exception {
        start(FakeUpstream.Options.defaults(), "sk-a,sk-b");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false), "x-fake-error", "unsupported_region");
            assertEquals(403, r.statusCode());
            assertEquals(FakeKeyErrors.UNSUPPORTED_REGION, r.body());
        }
        assertEquals(3, keysSeen().size());
        assertBothKeysStillServe();
    }

    @Test
    void aRealInvalidKey401TakesOnlyThatKeyOut() throws Exception {
        start(FakeUpstream.Options.defaults().withStatusForKey("sk-revoked", 401), "sk-a,sk-revoked,sk-b");
        for (int i = 0; i < 9; i++) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "served.", false));
            assertEquals(200, r.statusCode(), "the revoked key's 401 is retried on another key: " + r.body());
        }
        List<String> seen = keysSeen();
        assertEquals(1, count(seen, "sk-revoked"), "used once, then out: " + seen);
        int out = seen.indexOf("Bearer sk-revoked");
        List<String> later = seen.subList(out + 1, seen.size());
        assertTrue(count(later, "sk-a") >= 3 && count(later, "sk-b") >= 3, "the other keys share the traffic: " + later);
    }
}
