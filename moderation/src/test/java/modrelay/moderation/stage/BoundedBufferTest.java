package modrelay.moderation.stage;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import modrelay.moderation.sse.SseEvent;
import modrelay.moderation.text.ChatDialect;
import modrelay.moderation.text.DialectEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static modrelay.moderation.stage.ModerationFlowChatTest.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A moderated stream to a client that reads nothing, from an upstream that never stops sending events
 * without text: the stage must stop pulling at its bounds (events and bytes), whatever the clock says.
 * The upstream here is an endless iterator in the same fused graph: it produces exactly when pulled, so
 * what it produced is what the graph took in.
 */
class BoundedBufferTest {

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("BoundedBufferTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    /** An endless run of the same event, counting what was taken. */
    static <T> Source<T, ?> endless(T element, AtomicLong produced) {
        return Source.fromIterator(() -> new Iterator<T>() {
            public boolean hasNext() {
                return true;
            }

            public T next() {
                produced.incrementAndGet();
                return element;
            }
        });
    }

    static DialectEvent textless(int padding) {
        // a tool call's name chunk: no text, yet a real event the client must get in its place
        String json = Sse.chatToolCall("").replace("\"lookup\"", "\"" + "x".repeat(padding) + "\"");
        return ChatDialect.INSTANCE.read(new SseEvent("", json, Sse.data(json)));
    }

    static TestSubscriber.Probe<ReleaseUnit> framing(DialectEvent event, int maxEvents, long maxBytes, BufferGauge gauge,
                                                    AtomicLong produced) {
        FramingStage stage = new FramingStage(200, java.time.Duration.ofSeconds(30), true, 100, maxEvents, maxBytes, gauge);
        return endless(event, produced).via(Flow.fromGraph(stage)).toMat(TestSink.probe(system), Keep.right()).run(system);
    }

    @Test
    void eventsWithoutTextStopAtTheEventBound() throws Exception {
        var gauge = new BufferGauge();
        var produced = new AtomicLong();
        TestSubscriber.Probe<ReleaseUnit> client = framing(textless(0), 40, 1 << 20, gauge, produced);
        client.ensureSubscription(); // and never request

        assertTrue(gauge.awaitFull(10, TimeUnit.SECONDS), "the stage reached its bound and stopped pulling");
        assertEquals(40, gauge.events());
        assertEquals(40, produced.get(), "nothing was taken from the upstream beyond what the stage holds");
        assertTrue(gauge.maxEventsSeen() <= 40);

        // the client reads one unit: the stage takes exactly that much more, then stops again
        ReleaseUnit unit = client.requestNext();
        assertTrue(unit instanceof ReleaseUnit.Passthrough && unit.events().size() == 10, "units hold a quarter at most");
        assertTrue(gauge.awaitFull(10, TimeUnit.SECONDS));
        assertEquals(40, gauge.events());
        assertEquals(50, produced.get());
        client.cancel();
    }

    @Test
    void largeEventsWithoutTextStopAtTheByteBound() throws Exception {
        var gauge = new BufferGauge();
        var produced = new AtomicLong();
        DialectEvent big = textless(10_000);
        long eventBytes = big.sse().raw().length();
        long maxBytes = 100_000;
        TestSubscriber.Probe<ReleaseUnit> client = framing(big, 1_000, maxBytes, gauge, produced);
        client.ensureSubscription();

        assertTrue(gauge.awaitFull(10, TimeUnit.SECONDS));
        assertTrue(gauge.bytes() >= maxBytes && gauge.bytes() < maxBytes + eventBytes, "at most one event over: " + gauge.bytes());
        assertEquals(gauge.bytes() / eventBytes, produced.get());
        assertTrue(gauge.maxBytesSeen() < maxBytes + eventBytes);
        client.cancel();
    }

    @Test
    void theWholeFlowBackpressuresAnEndlessUpstreamOfEventsWithoutText() throws Exception {
        var gauge = new BufferGauge();
        var produced = new AtomicLong();
        ModerationOptions options = options(); // parallelism 4
        ByteString ping = Sse.data(Sse.chatToolCall(""));
        TestSubscriber.Probe<ByteString> client = endless(ping, produced)
                .via(ModerationFlow.create(ChatDialect.INSTANCE, ScriptedModerator.passingAll(), options, null,
                        ModerationFlow.DEFAULT_MAX_EVENT_BYTES, 64, 1 << 20, gauge))
                .toMat(TestSink.probe(system), Keep.right()).run(system);
        client.ensureSubscription();

        assertTrue(gauge.awaitFull(10, TimeUnit.SECONDS));
        // the framing stage holds its bound; the moderation step after it at most `parallelism` units of a quarter each
        long bound = 64 + options.parallelism() * 16L;
        assertTrue(produced.get() <= bound, produced.get() + " events taken, bound " + bound);
        client.cancel();
    }
}
