package modrelay.relay.pipeline;

import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import modrelay.relay.access.Admission;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.request.MultipartScanner;
import modrelay.relay.endpoint.RequestModel;

/**
 * A multipart form streams upstream as it arrives while its {@code model} fields are picked out
 * (before or after the file): a refused model fails the upload stream, so the upstream never gets a
 * complete request, and the client gets the 403 (see {@link Forward}).
 */
final class FormModelWatch {
    private FormModelWatch() {}

    /** Thrown into an upload stream whose form names a refused model. */
    static final class ModelRefused extends RuntimeException {
        ModelRefused() {
            super("model refused for this key", null, false, false);
        }
    }

    static Flow<ByteString, ByteString, NotUsed> watch(String boundary, Admission admission, Endpoint endpoint,
            CompletableFuture<OpenAiError> refused) {
        return Flow.<ByteString>create().statefulMap(
                () -> new Watched(new MultipartScanner(boundary)),
                (watched, chunk) -> {
                    for (String model : watched.scanner.feed(chunk.toArray())) {
                        watched.sawModel = true;
                        refuseIf(admission.modelRefusal(endpoint, modelOf(model), Optional.empty()), refused);
                    }
                    return Pair.create(watched, chunk);
                },
                watched -> {
                    // The whole form went by without a model field: refused where the endpoint needs one named.
                    if (!watched.sawModel) refuseIf(admission.modelRefusal(endpoint, RequestModel.MISSING, Optional.empty()), refused);
                    return Optional.empty();
                });
    }

    /** The scanner of one form, and whether it found a model field yet. */
    private static final class Watched {
        final MultipartScanner scanner;
        boolean sawModel;

        Watched(MultipartScanner scanner) {
            this.scanner = scanner;
        }
    }

    private static void refuseIf(Optional<OpenAiError> err, CompletableFuture<OpenAiError> refused) {
        if (err.isPresent()) {
            refused.complete(err.get());
            throw new ModelRefused();
        }
    }

    /**
     * The model field of a form the relay holds whole; Missing when there is none, Unreadable when it names two
     * different models (an upstream may read either, as a streamed form's every field is checked).
     */
    static RequestModel modelOf(String boundary, ByteString whole) {
        MultipartScanner scanner = new MultipartScanner(boundary);
        RequestModel found = RequestModel.MISSING;
        for (String model : scanner.feed(whole.toArray())) {
            RequestModel m = modelOf(model);
            if (found instanceof RequestModel.Missing) found = m;
            else if (!found.equals(m)) return new RequestModel.Unreadable("the form names more than one model");
        }
        return found;
    }

    private static RequestModel modelOf(String field) {
        return field == MultipartScanner.UNREADABLE ? new RequestModel.Unreadable("the form's model field is too long to read") : new RequestModel.Named(field);
    }
}
