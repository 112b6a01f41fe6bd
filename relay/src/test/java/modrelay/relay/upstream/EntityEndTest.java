package modrelay.relay.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.stream.testkit.javadsl.TestSource;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EntityEndTest {
    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("EntityEndTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    private static HttpResponse chunked(List<HttpEntity.ChunkStreamPart> parts) {
        return HttpResponse.create().withEntity(ChunkedEntity.of(ContentTypes.TEXT_PLAIN_UTF8, Source.from(parts)));
    }

    @Test
    void aChunkedBodyStaysChunkedWithItsChunksAndTrailerAndItsEndIsReported() throws Exception {
        CompletableFuture<Optional<Throwable>> ended = new CompletableFuture<>();
        HttpEntity.ChunkStreamPart last = HttpEntity.ChunkStreamPart.createLast("", List.of(RawHeader.create("X-Trailer", "t")));
        HttpResponse watched = EntityEnd.watch(chunked(List.of(HttpEntity.ChunkStreamPart.create(ByteString.fromString("a")),
                HttpEntity.ChunkStreamPart.create(ByteString.fromString("b")), last)), e -> ended.complete(Optional.ofNullable(e)));
        HttpEntity.Chunked entity = assertInstanceOf(HttpEntity.Chunked.class, watched.entity());
        assertEquals(ContentTypes.TEXT_PLAIN_UTF8, entity.getContentType());
        List<HttpEntity.ChunkStreamPart> out = entity.getChunks().runWith(Sink.seq(), system).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertEquals(List.of("a", "b", ""), out.stream().map(p -> p.data().utf8String()).toList());
        assertTrue(out.get(2).isLastChunk());
        assertEquals("t", out.get(2).getTrailerHeaders().iterator().next().value());
        assertEquals(Optional.empty(), ended.get(5, TimeUnit.SECONDS), "read to its end");
    }

    @Test
    void aChunkedBodyCancelledBeforeItsEndIsReportedAsCut() throws Exception {
        CompletableFuture<Optional<Throwable>> ended = new CompletableFuture<>();
        var upstream = TestSource.<HttpEntity.ChunkStreamPart>create(system).preMaterialize(system);
        HttpResponse response = HttpResponse.create().withEntity(ChunkedEntity.of(ContentTypes.TEXT_PLAIN_UTF8, upstream.second()));
        HttpResponse watched = EntityEnd.watch(response, e -> ended.complete(Optional.ofNullable(e)));
        TestSubscriber.Probe<ByteString> client = watched.entity().getDataBytes().runWith(TestSink.create(system), system);
        client.request(1);
        upstream.first().sendNext(HttpEntity.ChunkStreamPart.create(ByteString.fromString("a")));
        assertEquals(ByteString.fromString("a"), client.expectNext());
        client.cancel();
        upstream.first().expectCancellation();
        assertNotNull(ended.get(5, TimeUnit.SECONDS).orElse(null), "a cut body is not one to send on again");
    }

    @Test
    void aBodyWithALengthKeepsItAndItsBytes() throws Exception {
        CompletableFuture<Optional<Throwable>> ended = new CompletableFuture<>();
        HttpResponse response = HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, 4,
                Source.from(List.of(ByteString.fromString("{}"), ByteString.fromString("  ")))));
        HttpResponse watched = EntityEnd.watch(response, e -> ended.complete(Optional.ofNullable(e)));
        assertEquals(4L, watched.entity().getContentLengthOption().getAsLong());
        ByteString body = watched.entity().getDataBytes().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), system)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("{}  ", body.utf8String());
        assertEquals(Optional.empty(), ended.get(5, TimeUnit.SECONDS));
    }
}
