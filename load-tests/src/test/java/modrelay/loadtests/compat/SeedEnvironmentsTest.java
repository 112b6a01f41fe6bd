package modrelay.loadtests.compat;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The environments users of the two seed projects already run start the relay unchanged and relay a
 * stream. Seed 000 is chatgpt_reverse_proxy (its README's OXY_* variables, the X-SCF hop-header prefix
 * its Tencent SCF package presets); seed 001 is openai-forward's docker-compose service, whose
 * {@code env_file: .env} carries OPENAI_BASE_URL, OPENAI_API_KEY, FORWARD_KEY and settings modrelay
 * has no counterpart for.
 */
class SeedEnvironmentsTest {
    private static final String REPLY = "Hello from the fake upstream. 你好。";
    private FakeUpstream upstream;
    private CompatRelay relay;

    @BeforeEach
    void upstream() {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO));
    }

    @AfterEach
    void stop() {
        if (relay != null) relay.close();
        upstream.close();
    }

    private Map<String, String> seed000() {
        return new HashMap<>(Map.of(
                "OXY_TARGET", upstream.baseUrl(),
                "OXY_PORT", "9000",
                "OXY_HOP_HEADER_PREFIX", "X-SCF"));
    }

    /** openai-forward's .env as its compose file reads it (TIMEOUT left out: there it is seconds, here milliseconds). */
    private Map<String, String> seed001() {
        return new HashMap<>(Map.of(
                "LOG_CHAT", "false",
                "OPENAI_BASE_URL", upstream.baseUrl(),
                "OPENAI_API_KEY", "sk-xxx1",
                "FORWARD_KEY", "fk-xxx1-0123456789abcdef",
                "OPENAI_ROUTE_PREFIX", "/openai",
                "GLOBAL_RATE_LIMIT", "2/5seconds",
                "TZ", "Asia/Shanghai"));
    }

    @Test
    void seed000EnvironmentRelaysAStreamWithTheClientsOwnKeyAndDropsTheGatewaysHeaders() throws Exception {
        relay = CompatRelay.start(seed000());
        assertEquals(9000, relay.settings.server().port(), "OXY_PORT is the port");

        Sse r = Sse.post(relay.baseUrl() + "/v1/chat/completions", "Bearer sk-client-own", Sse.chat("gpt-4o-mini", REPLY),
                "X-SCF-Request-Id", "scf-123", "X-Scf-Namespace", "default");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.done(), r.body());
        assertEquals(REPLY, r.text());

        List<FakeUpstream.RecordedRequest> seen = upstream.requests();
        assertEquals(1, seen.size());
        assertEquals("Bearer sk-client-own", seen.get(0).header("authorization"));
        assertNull(seen.get(0).header("x-scf-request-id"), "the serverless gateway's headers stay at the relay");
        assertNull(seen.get(0).header("x-scf-namespace"));
    }

    @Test
    void seed001ComposeEnvironmentStartsUnchangedWithTheForwardKeyAsProxyKeyAndNoServerKeys() throws Exception {
        relay = CompatRelay.start(seed001());
        assertFalse(relay.settings.upstream().hasServerKeys(), "OPENAI_API_KEY is not read without its switch");

        Sse own = Sse.post(relay.baseUrl() + "/v1/chat/completions", "Bearer sk-client-own:fk-xxx1-0123456789abcdef",
                Sse.chat("gpt-4o-mini", REPLY));
        assertEquals(200, own.status(), own.body());
        assertTrue(own.done(), own.body());
        assertEquals(REPLY, own.text());
        assertEquals("Bearer sk-client-own", upstream.requests().get(0).header("authorization"));

        // The forward key alone is no upstream key and no proxy key here: refused, and it never goes upstream.
        Sse alone = Sse.post(relay.baseUrl() + "/v1/chat/completions", "Bearer fk-xxx1-0123456789abcdef",
                Sse.chat("gpt-4o-mini", REPLY));
        assertEquals(401, alone.status(), alone.body());
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void seed001WithTheOneSwitchUsesOpenAiApiKeyAsServerKeyForForwardKeyClients() throws Exception {
        Map<String, String> env = seed001();
        env.put("READ_OPENAI_API_KEY", "true");
        relay = CompatRelay.start(env);

        Sse r = Sse.post(relay.baseUrl() + "/v1/chat/completions", "Bearer fk-xxx1-0123456789abcdef",
                Sse.chat("gpt-4o-mini", REPLY));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.done(), r.body());
        assertEquals(REPLY, r.text());
        assertEquals("Bearer sk-xxx1", upstream.requests().get(0).header("authorization"));

        Sse wrong = Sse.post(relay.baseUrl() + "/v1/chat/completions", "Bearer fk-wrong", Sse.chat("gpt-4o-mini", REPLY));
        assertEquals(401, wrong.status(), wrong.body());
        assertEquals(1, upstream.requests().size());
    }
}
