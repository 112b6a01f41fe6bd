package modrelay.relay.upstream;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.ResponseEntity;
import akka.stream.javadsl.Source;

/**
 * A chunked entity made from its chunks. The Java DSL only makes one from bytes ({@code HttpEntities.createChunked}),
 * which costs each stream a stage to wrap every chunk; the relay's stages that end a body emit the chunks themselves.
 */
public final class ChunkedEntity {
    private ChunkedEntity() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ResponseEntity of(ContentType contentType, Source<HttpEntity.ChunkStreamPart, ?> chunks) {
        // The Java DSL's chunk and content type are the Scala model's own classes under their Java interfaces.
        akka.stream.scaladsl.Source scalaChunks = chunks.asScala();
        return akka.http.scaladsl.model.HttpEntity.Chunked$.MODULE$.apply(
                (akka.http.scaladsl.model.ContentType) contentType, scalaChunks);
    }
}
