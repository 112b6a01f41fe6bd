package modrelay.relay.response;

import modrelay.relay.exchange.BodyListener;
import modrelay.relay.pipeline.ProxyHandler;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.BodyEnd;
import modrelay.relay.exchange.UpstreamBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Keep;
import akka.stream.testkit.TestPublisher;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.stream.testkit.javadsl.TestSource;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

class ClientBodyTest {
    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("ClientBodyTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    /** Records what the stage reports, in order, and counts the exchange's end hooks. */
    static final class Recorder implements BodyListener {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<String> ends = new LinkedBlockingQueue<>();
        final AtomicInteger hooks = new AtomicInteger();
        final BodyEnd end = new BodyEnd();

        Recorder() {
            end.add(() -> {
                hooks.incrementAndGet();
                ends.add("hooks");
            });
        }

        @Override
        public void started() {
            calls.add("started");
        }

        @Override
        public void ended(long bytes, String outcome) {
            calls.add("ended " + bytes + " " + outcome);
        }

        String awaitEnd() throws InterruptedException {
            return ends.poll(5, TimeUnit.SECONDS);
        }
    }

    private static final Function<Throwable, ByteString> ERROR_EVENT = t -> ByteString.fromString("data: {\"error\":{}}\n\n");

    private record Run(TestPublisher.Probe<ByteString> upstream, TestSubscriber.Probe<ByteString> client) {}

    private static Run run(Recorder r) {
        var mat = TestSource.<ByteString>create(system)
                .via(ClientBody.flow(r, r.end))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        return new Run(mat.first(), mat.second());
    }

    @Test
    void aBodySentToItsEndCountsItsBytesAndRunsTheHooksOnce() throws Exception {
        Recorder r = new Recorder();
        Run run = run(r);
        assertTrue(r.end.attached(), "ProxyHandler must know the stage runs the hooks");
        run.client().request(5);
        run.upstream().sendNext(ByteString.fromString("hello "));
        run.upstream().sendNext(ByteString.fromString("world"));
        run.upstream().sendComplete();
        assertEquals(ByteString.fromString("hello "), run.client().expectNext());
        assertEquals(ByteString.fromString("world"), run.client().expectNext());
        run.client().expectComplete();
        assertEquals("hooks", r.awaitEnd());
        assertEquals(List.of("started", "ended 11 ok"), r.calls);
        r.end.run();
        assertEquals(1, r.hooks.get(), "hooks run once");
    }

    @Test
    void anEventStreamWhoseUpstreamFailsEndsWithTheErrorEvent() throws Exception {
        Recorder r = new Recorder();
        Run run = eventStream(r, Duration.ofMinutes(1));
        run.client().request(5);
        run.upstream().sendNext(ByteString.fromString("data: {}\n\n"));
        assertEquals(ByteString.fromString("data: {}\n\n"), run.client().expectNext());
        run.upstream().sendError(new RuntimeException("connection reset"));
        assertEquals(ERROR_EVENT.apply(null), run.client().expectNext());
        run.client().expectComplete();
        assertEquals("hooks", r.awaitEnd());
        assertEquals("ended " + (10 + ERROR_EVENT.apply(null).size()) + " upstream_error", r.calls.get(1));
    }

    @Test
    void otherBodiesFailWhenTheUpstreamFails() throws Exception {
        Recorder r = new Recorder();
        Run run = run(r);
        run.client().request(5);
        RuntimeException boom = new RuntimeException("connection reset");
        run.upstream().sendError(boom);
        assertSame(boom, run.client().expectError());
        assertEquals("hooks", r.awaitEnd());
        assertEquals(List.of("started", "ended 0 aborted"), r.calls);
    }

    @Test
    void aClientThatGoesAwayCancelsTheUpstreamAndEndsTheExchange() throws Exception {
        Recorder r = new Recorder();
        Run run = eventStream(r, Duration.ofMinutes(1));
        run.client().request(1);
        run.upstream().sendNext(ByteString.fromString("data: a\n\n"));
        run.client().expectNext();
        run.client().cancel();
        run.upstream().expectCancellation();
        assertEquals("hooks", r.awaitEnd());
        assertEquals(List.of("started", "ended 9 aborted"), r.calls);
    }

    @Test
    void aHookAddedAfterTheEndRunsAtOnce() {
        BodyEnd end = new BodyEnd();
        end.run();
        AtomicInteger ran = new AtomicInteger();
        end.add(ran::incrementAndGet);
        assertEquals(1, ran.get());
    }

    @Test
    void aChunkedBodyLeavesAsTheServersChunksWithoutEmptyOnesAndItsErrorEventAsAChunk() throws Exception {
        Recorder r = new Recorder();
        var mat = TestSource.<ByteString>create(system)
                .via(ClientBody.eventStream(r, r.end, ERROR_EVENT, Duration.ofMinutes(1)))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        TestSubscriber.Probe<akka.http.javadsl.model.HttpEntity.ChunkStreamPart> client = mat.second();
        client.request(5);
        upstream.sendNext(ByteString.fromString("data: a\n\n"));
        assertEquals("data: a\n\n", client.expectNext().data().utf8String());
        // An empty chunk would end a chunked body: it is not sent, and the next one still arrives.
        upstream.sendNext(ByteString.emptyByteString());
        upstream.sendNext(ByteString.fromString("data: b\n\n"));
        var b = client.expectNext();
        assertEquals("data: b\n\n", b.data().utf8String());
        assertTrue(!b.isLastChunk());
        upstream.sendError(new RuntimeException("connection reset"));
        assertEquals(ERROR_EVENT.apply(null), client.expectNext().data());
        client.expectComplete();
        assertEquals("hooks", r.awaitEnd());
        assertEquals("ended " + (18 + ERROR_EVENT.apply(null).size()) + " upstream_error", r.calls.get(1));
    }

    private static final FiniteDuration WAIT = FiniteDuration.create(5, TimeUnit.SECONDS);

    /** An event stream with a heartbeat; the client probe sees each chunk's bytes. */
    private static Run eventStream(Recorder r, Duration heartbeat) {
        var mat = TestSource.<ByteString>create(system)
                .via(ClientBody.eventStream(r, r.end, ERROR_EVENT, heartbeat))
                .map(akka.http.javadsl.model.HttpEntity.ChunkStreamPart::data)
                .toMat(TestSink.create(system), Keep.both()).run(system);
        return new Run(mat.first(), mat.second());
    }

    @Test
    void anEventStreamPingsWhenSilentButNeverInsideAnEvent() {
        Recorder r = new Recorder();
        Run run = eventStream(r, Duration.ofMillis(30));
        TestPublisher.Probe<ByteString> upstream = run.upstream();
        TestSubscriber.Probe<ByteString> client = run.client();
        // demand is given one element at a time so that no ping can slip in between the steps

        // nothing sent yet counts as a boundary
        client.request(1);
        assertEquals(ClientBody.PING, client.expectNext(WAIT));

        // half an event: silence must not produce a ping until the event is finished
        ByteString half = ByteString.fromString("data: {\"a\":");
        upstream.sendNext(half);
        client.request(1);
        assertEquals(half, client.expectNext());
        client.request(1);
        client.expectNoMessage(Duration.ofMillis(200)); // several intervals: a ping here would corrupt the event
        ByteString rest = ByteString.fromString("1}\n");
        upstream.sendNext(rest);
        assertEquals(rest, client.expectNext());
        client.request(1);
        client.expectNoMessage(Duration.ofMillis(100)); // "…}\n" is still not an event boundary
        upstream.sendNext(ByteString.fromString("\n"));
        assertEquals(ByteString.fromString("\n"), client.expectNext());
        client.request(1);
        assertEquals(ClientBody.PING, client.expectNext(WAIT), "boundary reached across chunks: pings again");

        upstream.sendComplete();
        client.expectComplete();
        // the pings were sent to the client too
        assertEquals("ended " + (half.size() + rest.size() + 1 + 2 * ClientBody.PING.size()) + " ok", r.calls.get(1));
    }

    @Test
    void aChunkThatArrivesWhileAPingTookTheDemandWaitsForTheNextAndIsNotLostAtTheEnd() {
        Recorder r = new Recorder();
        Run run = eventStream(r, Duration.ofMillis(30));
        TestPublisher.Probe<ByteString> upstream = run.upstream();
        TestSubscriber.Probe<ByteString> client = run.client();
        client.request(1);
        assertEquals(ClientBody.PING, client.expectNext(WAIT)); // the one demand went to a ping; the upstream was asked
        upstream.expectRequest();
        ByteString event = ByteString.fromString("data: x\n\n");
        upstream.sendNext(event);
        upstream.sendComplete();
        client.expectNoMessage(Duration.ofMillis(50));
        client.request(1);
        assertEquals(event, client.expectNext());
        client.expectComplete();
        assertEquals("ended " + (ClientBody.PING.size() + event.size()) + " ok", r.calls.get(1));
    }
}
