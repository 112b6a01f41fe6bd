package modrelay.loadtests.compat;

import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ROUTING_STRATEGY=parallel: one request to every candidate at once, the first success streamed, the losers cancelled. */
class ParallelStrategyTest {
    private static final String REPLY = "One answer, from whichever upstream was first. " + "It streams for a while. ".repeat(10);
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private FakeUpstream a;
    private FakeUpstream b;
    private RunningRelay relay;

    private void start(String strategy, FakeUpstream.Options optionsA) {
        a = relays.own(FakeUpstream.start(optionsA));
        b = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(20))));
        Map<String, String> env = new HashMap<>(Map.of(
                "UPSTREAMS", "[{\"name\":\"a\",\"url\":\"" + a.baseUrl() + "\",\"keys\":[\"sk-a\"]},"
                        + "{\"name\":\"b\",\"url\":\"" + b.baseUrl() + "\",\"keys\":[\"sk-b\"]}]",
                "PROXY_KEY", "proxy-key-0123456789",
                "MODELS_REFRESH", "0"));
        if (strategy != null) env.put("ROUTING_STRATEGY", strategy);
        relay = relays.start(RelaySpec.withoutFakes().env(env));
    }

    private HttpResponse<String> chat() throws Exception {
        return TestHttp.post(relay.v1() + "/chat/completions", "Bearer proxy-key-0123456789", TestHttp.chat("gpt-4o-mini", REPLY, true));
    }

    private static long chats(FakeUpstream u) {
        return u.requests().stream().filter(r -> r.path().equals("/v1/chat/completions")).count();
    }

    @Test
    void bothUpstreamsAreAskedTheClientGetsOneWholeStreamAndTheLoserSeesTheCancel() throws Exception {
        start("parallel", FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(20)));
        HttpResponse<String> r = chat();
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(TestHttp.sseDone(r.body()), r.body());
        assertEquals(REPLY, TestHttp.sseText(r.body()), "one stream, not two interleaved");
        assertEquals(1, chats(a));
        assertEquals(1, chats(b));
        CompletableFuture<Object> someoneCancelled = CompletableFuture.anyOf(
                a.whenStreamsCancelled(1).toCompletableFuture(), b.whenStreamsCancelled(1).toCompletableFuture());
        someoneCancelled.get(20, TimeUnit.SECONDS);
        FakeUpstream loser = a.streamsCancelled() > 0 ? a : b;
        FakeUpstream winner = loser == a ? b : a;
        winner.whenStreamsCompleted(1).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(0, winner.streamsCancelled(), "the winner's stream is the one relayed to its end");
        assertEquals(1, loser.streamsCancelled());
    }

    @Test
    void anUpstreamThatFailsFirstDoesNotWinTheOneThatAnswersDoes() throws Exception {
        start("parallel", FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO).withStatusForKey("sk-a", 500));
        HttpResponse<String> r = chat();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(REPLY, TestHttp.sseText(r.body()));
        assertEquals(1, chats(a), "a was asked and answered 500");
        assertEquals(1, chats(b));
    }

    @Test
    void offByDefaultOneUpstreamIsAsked() throws Exception {
        start(null, FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO));
        HttpResponse<String> r = chat();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, chats(a) + chats(b));
    }
}
