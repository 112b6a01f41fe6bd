package modrelay.moderation.sse;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Keep;
import akka.stream.testkit.TestPublisher;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.stream.testkit.javadsl.TestSource;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseHeartbeatTest {

    static final ByteString PING = ByteString.fromString(": ping\n\n");
    static final FiniteDuration WAIT = FiniteDuration.create(5, TimeUnit.SECONDS);

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("SseHeartbeatTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    @Test
    void pingsWhenSilentButNeverInsideAnEvent() {
        var mat = TestSource.<ByteString>create(system)
                .via(SseHeartbeat.flow(Duration.ofMillis(30)))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        TestSubscriber.Probe<ByteString> client = mat.second();
        // demand is given one element at a time so that no ping can slip in between the steps

        // nothing sent yet counts as a boundary
        client.request(1);
        assertEquals(PING, client.expectNext(WAIT));

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
        assertEquals(PING, client.expectNext(WAIT), "boundary reached across chunks: pings again");

        upstream.sendComplete();
        client.expectComplete();
    }

    @Test
    void knowsEventBoundaries() {
        assertTrue(boundaryAfter(""));
        assertTrue(boundaryAfter("data: x\n\n"));
        assertTrue(boundaryAfter("data: x\r\n\r\n"));
        assertTrue(boundaryAfter("data: x\r\r"));
        assertFalse(boundaryAfter("data: x\n"));
        assertFalse(boundaryAfter("data: x\r\n"));
        assertFalse(boundaryAfter("data: x"));
        assertFalse(boundaryAfter("data: x\r\n\r"), "may still be the first half of CRLF");
    }

    private static boolean boundaryAfter(String text) {
        SseHeartbeat.EventBoundary boundary = new SseHeartbeat.EventBoundary();
        for (int i = 0; i < text.length(); i++) boundary.after(ByteString.fromString(text.substring(i, i + 1)));
        return boundary.atBoundary();
    }
}
