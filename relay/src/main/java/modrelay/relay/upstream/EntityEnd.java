package modrelay.relay.upstream;

import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.ResponseEntity;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.OptionalLong;
import java.util.function.Consumer;

/** Tells when a response's body has been read to its end, or was cut (failed or cancelled). */
final class EntityEnd {
    private EntityEnd() {}

    /**
     * The response with the same status, headers and bytes; {@code ended} runs once the body is done: with null when it
     * was read to its end (a strict body: at once), with the error when it failed or was cancelled.
     */
    static HttpResponse watch(HttpResponse response, Consumer<Throwable> ended) {
        ResponseEntity entity = response.entity();
        if (entity.isStrict()) {
            ended.accept(null);
            return response;
        }
        // A chunked body (every stream) is watched chunk by chunk: through its bytes, Akka would add three stages to
        // every open stream to take the chunks apart and make them again.
        if (entity instanceof HttpEntity.Chunked chunked) {
            return response.withEntity(ChunkedEntity.of(entity.getContentType(), chunked.getChunks().via(new BodyEndWatch<>(ended))));
        }
        Source<ByteString, ?> bytes = entity.getDataBytes().via(new BodyEndWatch<>(ended));
        OptionalLong length = entity.getContentLengthOption();
        return response.withEntity(length.isPresent()
                ? HttpEntities.create(entity.getContentType(), length.getAsLong(), bytes)
                : HttpEntities.createChunked(entity.getContentType(), bytes));
    }
}
