package modrelay.loadtests.routing;

import static modrelay.loadtests.fixture.TestHttp.chat;
import static modrelay.loadtests.fixture.TestHttp.error;
import static modrelay.loadtests.fixture.TestHttp.json;
import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.ClosingUpstream;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An upstream that accepts the connection and closes it before answering counts as down: the request falls back
 * to the next upstream and the breaker counts it. With one upstream, a pooled connection the upstream had just
 * closed is retried once on a new connection; and idle pooled connections are closed after UPSTREAM_KEEP_ALIVE.
 */
class ConnectionClosedRoutingTest {
    private ClosingUpstream closing;
    private FakeUpstream backup;
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private RunningRelay relay;

    private void startWithBackup(ClosingUpstream.Mode mode, Map<String, String> extra) {
        closing = relays.own(ClosingUpstream.start(mode));
        backup = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
        Map<String, String> env = new HashMap<>(Map.of("UPSTREAMS", """
                [{"name":"primary","url":"%s","keys":["sk-primary"],"models":["*"],"priority":10},
                 {"name":"backup","url":"%s","keys":["sk-backup"],"models":["*"]}]""".formatted(closing.baseUrl(), backup.baseUrl()),
                "UPSTREAM_COOLDOWN", "1h"));
        env.putAll(extra);
        relay = relays.start(RelaySpec.withoutFakes().env(env));
    }

    private long backupPosts() {
        return backup.requests().stream().filter(r -> r.method().equals("POST")).count();
    }

    @Test
    void anUpstreamThatClosesBeforeAnsweringFallsBackAndIsTakenOut() throws Exception {
        startWithBackup(ClosingUpstream.Mode.CLOSE_AFTER_READING, Map.of("UPSTREAM_FAILURE_THRESHOLD", "2"));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "from the backup.", false));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("from the backup.", json(r.body()).at("/choices/0/message/content").asText());
        }
        assertEquals(2, closing.posts(), "each request reached the primary first");
        // Two closures in a row: the breaker takes it out.
        relay.server().routing().when(state -> !state.up(0)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "ok.", false)).statusCode());
        assertEquals(2, closing.posts(), "no traffic while it is out");
        assertEquals(3, backupPosts());
    }

    @Test
    void aResetBeforeAnsweringFallsBackToo() throws Exception {
        startWithBackup(ClosingUpstream.Mode.RESET, Map.of());
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "after a reset.", false));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("after a reset.", json(r.body()).at("/choices/0/message/content").asText());
        assertTrue(closing.connections() >= 1, "the primary was tried");
        assertEquals(1, backupPosts());
    }

    @Test
    void withOneUpstreamAPooledConnectionItHadClosedIsRetriedOnceOnANewOne() throws Exception {
        closing = relays.own(ClosingUpstream.start(ClosingUpstream.Mode.ANSWER_FIRST_THEN_CLOSE));
        // Pairing off: the test's client sends every request on one connection, which pairing would serve by a
        // connection of its own, so that no request met the pooled connection the upstream had closed.
        relay = relays.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", closing.baseUrl(), "OPENAI_KEY", "sk-only",
                "UPSTREAM_PAIR_CONNECTIONS", "false"));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false));
            assertEquals(200, r.statusCode(), "request " + i + ": " + r.body());
            assertEquals(ClosingUpstream.ANSWER, json(r.body()).at("/choices/0/message/content").asText());
        }
        assertEquals(3, closing.answered());
        assertTrue(closing.requests() > closing.answered(), "a reused connection was closed under a request: "
                + closing.requests() + " requests read, " + closing.answered() + " answered");
    }

    @Test
    void withOneAttemptThatSameClosedConnectionIsTheClients502() throws Exception {
        closing = relays.own(ClosingUpstream.start(ClosingUpstream.Mode.ANSWER_FIRST_THEN_CLOSE));
        relay = relays.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", closing.baseUrl(), "OPENAI_KEY", "sk-only", "MAX_ATTEMPTS", "1",
                "UPSTREAM_PAIR_CONNECTIONS", "false"));
        assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false)).statusCode());
        HttpResponse<String> second = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false));
        assertEquals(502, second.statusCode(), "what the retry saves the client from: " + second.body());
        assertEquals("Could not reach the upstream: the upstream closed the connection before answering",
                error(second).get("message").asText());
    }

    @Test
    void anUpstreamThatAlwaysClosesGetsOneRetryThenTheClientsA502() throws Exception {
        closing = relays.own(ClosingUpstream.start(ClosingUpstream.Mode.CLOSE_AFTER_READING));
        relay = relays.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", closing.baseUrl(), "OPENAI_KEY", "sk-only"));
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false));
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("upstream_unreachable", error(r).get("code").asText(), r.body());
        assertEquals(2, closing.posts(), "the first attempt and one retry, no more");
    }

    @Test
    void idlePooledConnectionsAreClosedAfterTheKeepAlive() throws Exception {
        backup = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO)));
        relay = relays.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", backup.baseUrl(), "OPENAI_KEY", "sk-only",
                "UPSTREAM_KEEP_ALIVE", "300ms"));
        assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false)).statusCode());
        // The fake never closes a connection itself (no idle timeout); the relay's pool does, once it has idled.
        backup.whenOpenConnectionsAtMost(0).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(200, relay.post("/v1/chat/completions", chat("gpt-4o", "x.", false)).statusCode(), "a new one when needed");
    }
}
