package modrelay.relay.routing;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads an upstream error body whole, up to a bound, so the relay can judge it and still hand the client
 * the same bytes. A body over the bound (or one that does not arrive in time) is not relayed half-read:
 * the client gets the same status with a short OpenAI-shaped error instead.
 */
final class ErrorBodies {
    /** Error bodies are a few hundred bytes; anything near this is not an error body. */
    static final long MAX_BYTES = 64 * 1024;

    private ErrorBodies() {}

    /** The response with its body held in memory (already strict: at once). */
    static CompletionStage<HttpResponse> strict(HttpResponse response, long maxBytes, Duration timeout, Materializer materializer) {
        if (response.entity().isStrict()) return CompletableFuture.completedFuture(response);
        return response.entity().toStrict(timeout.toMillis(), maxBytes, materializer).handle((strict, error) -> {
            if (error == null) return response.withEntity(strict);
            response.entity().getDataBytes().runWith(Sink.cancelled(), materializer);
            int status = response.status().intValue();
            return response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, ("{\"error\":{\"message\":\"The upstream "
                    + "answered " + status + " with an error body the relay could not read.\",\"type\":\"upstream_error\","
                    + "\"param\":null,\"code\":\"upstream_error_unreadable\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        });
    }

    static byte[] bytes(HttpResponse strictResponse) {
        return ((HttpEntity.Strict) strictResponse.entity()).getData().toArray();
    }
}
