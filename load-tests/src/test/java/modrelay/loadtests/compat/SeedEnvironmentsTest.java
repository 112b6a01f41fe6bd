package modrelay.loadtests.compat;

import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The environments users of the two seed projects already run start the relay unchanged and relay a
 * stream. Seed 000 is chatgpt_reverse_proxy (its README's OXY_* variables, the X-SCF hop-header prefix
 * its Tencent SCF package presets); seed 001 is openai-forward's docker-compose service, whose
 * {@code env_file: .env} carries OPENAI_BASE_URL, OPENAI_API_KEY, FORWARD_KEY and settings modrelay
 * has no counterpart for. The relays start from those environments as given ({@link RelaySpec#asGiven()}).
 */
class SeedEnvironmentsTest {
    private static final String REPLY = "Hello from the fake upstream. 你好。";
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private FakeUpstream upstream;
    private RunningRelay relay;

    @BeforeEach
    void upstream() {
        upstream = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
    }

    /** A relay from exactly this environment; only its working folders are its own. */
    private RunningRelay start(Map<String, String> env) {
        RunningRelay r = relays.start(RelaySpec.withoutFakes().asGiven().env(env));
        Set<String> names = new TreeSet<>(env.keySet());
        names.addAll(List.of("DATA_DIR", "LOG_DIR"));
        assertEquals(names, new TreeSet<>(r.env().keySet()), "the environment as given, nothing added that changes behaviour");
        return r;
    }

    private HttpResponse<String> chat(String auth, String... headers) throws Exception {
        return TestHttp.post(relay.v1() + "/chat/completions", auth, TestHttp.chat("gpt-4o-mini", REPLY, true), headers);
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
        relay = start(seed000());
        assertEquals(9000, relay.settings().server().port(), "OXY_PORT is the port");

        HttpResponse<String> r = chat("Bearer sk-client-own", "X-SCF-Request-Id", "scf-123", "X-Scf-Namespace", "default");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(TestHttp.sseDone(r.body()), r.body());
        assertEquals(REPLY, TestHttp.sseText(r.body()));

        List<FakeUpstream.RecordedRequest> seen = upstream.requests();
        assertEquals(1, seen.size());
        assertEquals("Bearer sk-client-own", seen.get(0).header("authorization"));
        assertNull(seen.get(0).header("x-scf-request-id"), "the serverless gateway's headers stay at the relay");
        assertNull(seen.get(0).header("x-scf-namespace"));
    }

    @Test
    void seed001ComposeEnvironmentStartsUnchangedWithTheForwardKeyAsProxyKeyAndNoServerKeys() throws Exception {
        relay = start(seed001());
        assertFalse(relay.settings().upstream().hasServerKeys(), "OPENAI_API_KEY is not read without its switch");

        HttpResponse<String> own = chat("Bearer sk-client-own:fk-xxx1-0123456789abcdef");
        assertEquals(200, own.statusCode(), own.body());
        assertTrue(TestHttp.sseDone(own.body()), own.body());
        assertEquals(REPLY, TestHttp.sseText(own.body()));
        assertEquals("Bearer sk-client-own", upstream.requests().get(0).header("authorization"));

        // The forward key alone is no upstream key and no proxy key here: refused, and it never goes upstream.
        HttpResponse<String> alone = chat("Bearer fk-xxx1-0123456789abcdef");
        assertEquals(401, alone.statusCode(), alone.body());
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void seed001WithTheOneSwitchUsesOpenAiApiKeyAsServerKeyForForwardKeyClients() throws Exception {
        Map<String, String> env = seed001();
        env.put("READ_OPENAI_API_KEY", "true");
        relay = start(env);

        HttpResponse<String> r = chat("Bearer fk-xxx1-0123456789abcdef");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(TestHttp.sseDone(r.body()), r.body());
        assertEquals(REPLY, TestHttp.sseText(r.body()));
        assertEquals("Bearer sk-xxx1", upstream.requests().get(0).header("authorization"));

        HttpResponse<String> wrong = chat("Bearer fk-wrong");
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertEquals(1, upstream.requests().size());
    }
}
