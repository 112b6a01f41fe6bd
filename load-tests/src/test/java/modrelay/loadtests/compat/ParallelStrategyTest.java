package modrelay.loadtests.compat;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ROUTING_STRATEGY=parallel: one request to every candidate at once, the first success streamed, the losers cancelled. */
class ParallelStrategyTest {
    private static final String REPLY = "One answer, from whichever upstream was first. " + "It streams for a while. ".repeat(10);
    private FakeUpstream a;
    private FakeUpstream b;
    private CompatRelay relay;

    @AfterEach
    void stop() {
        if (relay != null) relay.close();
        if (a != null) a.close();
        if (b != null) b.close();
    }

    private void start(String strategy, FakeUpstream.Options optionsA) {
        a = FakeUpstream.start(optionsA);
        b = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(20)));
        Map<String, String> env = new HashMap<>(Map.of(
                "UPSTREAMS", "[{\"name\":\"a\",\"url\":\"" + a.baseUrl() + "\",\"keys\":[\"sk-a\"]},"
                        + "{\"name\":\"b\",\"url\":\"" + b.baseUrl() + "\",\"keys\":[\"sk-b\"]}]",
                "PROXY_KEY", "proxy-key-0123456789",
                "MODELS_REFRESH", "0"));
        if (strategy != null) env.put("ROUTING_STRATEGY", strategy);
        relay = CompatRelay.start(env);
    }

    private Sse chat() throws Exception {
        return Sse.post(relay.baseUrl() + "/v1/chat/completions", "Bearer proxy-key-0123456789", Sse.chat("gpt-4o-mini", REPLY));
    }

    private static long chats(FakeUpstream u) {
        return u.requests().stream().filter(r -> r.path().equals("/v1/chat/completions")).count();
    }

    @Test
    void bothUpstreamsAreAskedTheClientGetsOneWholeStreamAndTheLoserSeesTheCancel() throws Exception {
        start("parallel", FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(20)));
        Sse r = chat();
        assertEquals(200, r.status(), r.body());
        assertTrue(r.done(), r.body());
        assertEquals(REPLY, r.text(), "one stream, not two interleaved");
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
        Sse r = chat();
        assertEquals(200, r.status(), r.body());
        assertEquals(REPLY, r.text());
        assertEquals(1, chats(a), "a was asked and answered 500");
        assertEquals(1, chats(b));
    }

    @Test
    void offByDefaultOneUpstreamIsAsked() throws Exception {
        start(null, FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO));
        Sse r = chat();
        assertEquals(200, r.status(), r.body());
        assertEquals(1, chats(a) + chats(b));
    }
}
