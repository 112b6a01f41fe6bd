package modrelay.relay.response;

import akka.NotUsed;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.ResponseEntity;
import akka.stream.javadsl.Source;
import akka.util.ByteString;

/** Runs something once a response's body has been sent, however it ended (completed, failed, client gone). */
public final class ResponseEnd {
    private ResponseEnd() {}

    /** At once for a body already in memory; otherwise when the streamed body terminates. */
    public static HttpResponse whenSent(HttpResponse response, Runnable onEnd) {
        ResponseEntity entity = response.entity();
        if (entity.isStrict()) {
            onEnd.run();
            return response;
        }
        Source<ByteString, NotUsed> body = entity.getDataBytes().watchTermination((mat, done) -> {
            // Inline: Akka's converted futures run a plain whenComplete on the common pool.
            done.whenCompleteAsync((ok, err) -> onEnd.run(), Runnable::run);
            return NotUsed.getInstance();
        });
        return response.withEntity(entity.getContentLengthOption().isPresent()
                ? HttpEntities.create(entity.getContentType(), entity.getContentLengthOption().getAsLong(), body)
                : HttpEntities.createChunked(entity.getContentType(), body));
    }
}
