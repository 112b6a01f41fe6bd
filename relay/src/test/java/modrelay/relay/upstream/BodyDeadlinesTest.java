package modrelay.relay.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.ResponseEntity;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.CompletionTimeoutException;
import akka.stream.StreamIdleTimeoutException;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestPublisher;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.stream.testkit.javadsl.TestSource;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BodyDeadlinesTest {
    static final Duration WAIT = Duration.ofSeconds(5);
    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("BodyDeadlinesTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    @Test
    void aBodyThatEndsInTimePassesWhole() throws Exception {
        List<ByteString> out = Source.from(List.of(ByteString.fromString("a"), ByteString.fromString("b")))
                .via(BodyDeadlines.flow(Duration.ofSeconds(5), Duration.ofSeconds(5)))
                .runWith(Sink.seq(), system).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(ByteString.fromString("a"), ByteString.fromString("b")), out);
    }

    @Test
    void silenceLongerThanTheIdleTimeoutFailsTheBody() {
        var mat = TestSource.<ByteString>create(system)
                .via(BodyDeadlines.flow(Duration.ofMillis(150), Duration.ofSeconds(30)))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        TestSubscriber.Probe<ByteString> client = mat.second();
        client.request(10);
        upstream.sendNext(ByteString.fromString("first"));
        assertEquals(ByteString.fromString("first"), client.expectNext());
        assertInstanceOf(StreamIdleTimeoutException.class, client.expectError());
        upstream.expectCancellation();
    }

    @Test
    void aBodyThatNeverFallsSilentStillEndsAtTheTotalDeadline() {
        // A chunk every 20 ms never trips the 500 ms idle timeout; the 300 ms total cap ends it.
        var result = Source.tick(Duration.ZERO, Duration.ofMillis(20), ByteString.fromString("token"))
                .via(BodyDeadlines.flow(Duration.ofMillis(500), Duration.ofMillis(300)))
                .runWith(Sink.ignore(), system).toCompletableFuture();
        CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> result.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join());
        assertInstanceOf(CompletionTimeoutException.class, failed.getCause());
    }

    @Test
    void aDeadlineAlreadyPassedEndsTheBodyAtOnce() {
        var mat = TestSource.<ByteString>create(system)
                .via(BodyDeadlines.flow(Duration.ofSeconds(30), Duration.ofMillis(-5)))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        mat.second().request(1);
        assertInstanceOf(CompletionTimeoutException.class, mat.second().expectError());
    }

    @Test
    void aChunkedBodyIsReadFromItsChunksAndItsLastChunkLeftOut() throws Exception {
        var chunks = Source.from(List.of(HttpEntity.ChunkStreamPart.create(ByteString.fromString("data: a\n\n")),
                HttpEntity.ChunkStreamPart.create(ByteString.fromString("data: b\n\n")),
                HttpEntity.ChunkStreamPart.createLast("", List.of(RawHeader.create("X-Trailer", "t")))));
        ResponseEntity entity = ChunkedEntity.of(ContentTypes.TEXT_PLAIN_UTF8, chunks);
        List<ByteString> out = BodyDeadlines.bytesOf(entity, Duration.ofSeconds(5), Duration.ofSeconds(5))
                .runWith(Sink.seq(), system).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(ByteString.fromString("data: a\n\n"), ByteString.fromString("data: b\n\n")), out);
    }

    @Test
    void aChunkedBodyThatFallsSilentFailsAsAnyOther() {
        var mat = TestSource.<HttpEntity.ChunkStreamPart>create(system).preMaterialize(system);
        ResponseEntity entity = ChunkedEntity.of(ContentTypes.TEXT_PLAIN_UTF8, mat.second());
        TestSubscriber.Probe<ByteString> client = BodyDeadlines.bytesOf(entity, Duration.ofMillis(150), Duration.ofSeconds(30))
                .runWith(TestSink.create(system), system);
        client.request(10);
        mat.first().sendNext(HttpEntity.ChunkStreamPart.create(ByteString.fromString("first")));
        assertEquals(ByteString.fromString("first"), client.expectNext());
        assertInstanceOf(StreamIdleTimeoutException.class, client.expectError());
        mat.first().expectCancellation();
    }

    @Test
    void aBodyWithALengthIsReadAsItsBytes() throws Exception {
        ResponseEntity entity = HttpEntities.create(ContentTypes.APPLICATION_JSON, 4,
                Source.from(List.of(ByteString.fromString("{}"), ByteString.fromString("  "))));
        List<ByteString> out = BodyDeadlines.bytesOf(entity, Duration.ofSeconds(5), Duration.ofSeconds(5))
                .runWith(Sink.seq(), system).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(ByteString.fromString("{}  "), out.stream().reduce(ByteString.emptyByteString(), ByteString::concat));
    }
}
