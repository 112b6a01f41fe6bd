package modrelay.relay.access;

import akka.NotUsed;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.RequestEntity;
import akka.japi.Pair;
import akka.stream.Materializer;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modrelay.relay.errors.OpenAiError;

/**
 * The model check for request bodies the relay otherwise streams through untouched, for a client
 * whose key limits models:
 * <ul>
 *   <li>JSON (embeddings, images, speech, fine-tuning, …): read whole (up to MAX_REQUEST_BYTES),
 *       {@code model} checked before anything goes upstream, the bytes sent unchanged;</li>
 *   <li>multipart forms (audio transcription, uploads): streamed upstream as they arrive while the
 *       {@code model} fields are picked out; a refused model, before or after the file, fails the
 *       upload stream (the upstream never gets a complete request) and the client gets the 403;</li>
 *   <li>anything else names no model and passes.</li>
 * </ul>
 */
public final class ModelCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary=\"?([^\";]+)\"?");

    private ModelCheck() {}

    /**
     * @param entity     the body to send upstream (JSON: the bytes read; multipart: the watched stream)
     * @param refusal    a refusal known before sending
     * @param laterRefusal completes only when a streamed form turns out to name a refused model
     */
    public record Checked(RequestEntity entity, Optional<OpenAiError> refusal, CompletableFuture<OpenAiError> laterRefusal) {

        /**
         * The upstream exchange, unless a refusal found while streaming comes first: then the client
         * gets {@code reject} of it, and the upstream's answer, should one still come, is cancelled.
         */
        public CompletionStage<HttpResponse> race(CompletionStage<HttpResponse> sent,
                Function<HttpResponse, CompletionStage<HttpResponse>> reject, Materializer materializer) {
            CompletableFuture<HttpResponse> result = new CompletableFuture<>();
            laterRefusal.thenCompose(err -> reject.apply(err.response())).thenAccept(result::complete);
            sent.whenComplete((r, e) -> {
                if (e != null) {
                    if (!laterRefusal.isDone()) result.completeExceptionally(e);
                } else if (laterRefusal.isDone() || !result.complete(r)) {
                    r.entity().getDataBytes().runWith(Sink.cancelled(), materializer);
                }
            });
            return result;
        }
    }

    /** Thrown into an upload stream whose form names a refused model. */
    public static final class ModelRefused extends RuntimeException {
        ModelRefused() {
            super("model refused for this key", null, false, false);
        }
    }

    public static CompletionStage<Checked> check(RequestEntity entity, Admission admission, long maxBytes, Duration readTimeout,
            Materializer materializer) {
        ContentType ct = entity.getContentType();
        if (ct.mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            return entity.toStrict(readTimeout.toMillis(), maxBytes, materializer).thenApply(strict ->
                    new Checked(strict, admission.modelRefusal(jsonModel(strict.getData())), new CompletableFuture<>()));
        }
        Optional<String> boundary = boundary(ct);
        // A multipart media type carries its boundary as a parameter: compare the type, not the whole value.
        if (ct.mediaType().mainType().equals("multipart") && ct.mediaType().subType().equals("form-data") && boundary.isPresent()) {
            CompletableFuture<OpenAiError> refused = new CompletableFuture<>();
            Source<ByteString, Object> watched = ((RequestEntity) entity.withSizeLimit(maxBytes)).getDataBytes()
                    .via(watch(boundary.get(), admission, refused));
            RequestEntity out = entity.getContentLengthOption().isPresent()
                    ? HttpEntities.create(ct, entity.getContentLengthOption().getAsLong(), watched)
                    : HttpEntities.createChunked(ct, watched);
            return CompletableFuture.completedFuture(new Checked(out, Optional.empty(), refused));
        }
        return CompletableFuture.completedFuture(new Checked(entity, Optional.empty(), new CompletableFuture<>()));
    }

    static Flow<ByteString, ByteString, NotUsed> watch(String boundary, Admission admission, CompletableFuture<OpenAiError> refused) {
        return Flow.<ByteString>create().statefulMap(
                () -> new MultipartScanner(boundary),
                (scanner, chunk) -> {
                    for (String model : scanner.feed(chunk.toArray())) {
                        Optional<OpenAiError> err = admission.modelRefusal(Optional.of(model));
                        if (err.isPresent()) {
                            refused.complete(err.get());
                            throw new ModelRefused();
                        }
                    }
                    return Pair.create(scanner, chunk);
                },
                scanner -> Optional.empty());
    }

    static Optional<String> jsonModel(ByteString body) {
        try {
            JsonNode model = JSON.readTree(body.toArray()).get("model");
            return model != null && model.isTextual() ? Optional.of(model.textValue()) : Optional.empty();
        } catch (Exception notJson) {
            // Not JSON: the upstream will say so; there is no model to check.
            return Optional.empty();
        }
    }

    static Optional<String> boundary(ContentType ct) {
        Matcher m = BOUNDARY.matcher(ct.toString());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
