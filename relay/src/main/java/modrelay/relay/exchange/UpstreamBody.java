package modrelay.relay.exchange;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import modrelay.relay.request.BodyEdit;
import modrelay.relay.request.JsonBody;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.RequestEntity;
import akka.util.ByteString;

/** The request body as it goes upstream: a JSON body the relay read, other bytes it holds (replayable), or the client's stream. */
public sealed interface UpstreamBody {
    RequestEntity entity();

    /** Whether a second attempt can send the same body again without reading the client twice. */
    boolean replayable();

    record Bytes(ContentType contentType, ByteString bytes) implements UpstreamBody {
        public RequestEntity entity() {
            return HttpEntities.create(contentType, bytes);
        }

        public boolean replayable() {
            return true;
        }
    }

    /**
     * A JSON body the relay read once ({@link JsonBody}): sent as {@code application/json}, its flags removed, the
     * client's key's {@code edit} (a sub-key binding's defaults and caps) applied and its {@code model} pin set; an
     * upstream that knows the model by another name or strips fields gets {@link #forUpstream}, spliced from the same
     * reading.
     *
     * @param pinned the model the client's key pins (a sub-key binding's), which replaces the body's
     */
    record Json(JsonBody body, ByteString bytes, BodyEdit edit, java.util.Optional<String> pinned) implements UpstreamBody {
        public static Json of(JsonBody body) {
            return new Json(body, ByteString.fromArrayUnsafe(body.upstream()), BodyEdit.NONE, java.util.Optional.empty());
        }

        /** The body with the client's edit applied: what every upstream gets unless it needs more. */
        public static Json of(JsonBody body, BodyEdit edit) {
            return of(body, edit, java.util.Optional.empty());
        }

        /** The body with the client's edit applied and its model set to {@code pinned} when given. */
        public static Json of(JsonBody body, BodyEdit edit, java.util.Optional<String> pinned) {
            if (edit.isEmpty() && pinned.isEmpty()) return of(body);
            return new Json(body, ByteString.fromArrayUnsafe(body.upstream(pinned, edit, false)), edit, pinned);
        }

        public Json(JsonBody body, ByteString bytes) {
            this(body, bytes, BodyEdit.NONE, java.util.Optional.empty());
        }

        public RequestEntity entity() {
            return HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes);
        }

        public boolean replayable() {
            return true;
        }

        public RequestEntity withModel(String name) {
            return forUpstream(java.util.Optional.of(name), BodyEdit.NONE, false);
        }

        /**
         * The body for one upstream: the model renamed when given, its own edit (fields it strips) on top of the
         * client's, and {@code stream_options.include_usage} spliced in when {@code askUsage}.
         */
        public RequestEntity forUpstream(java.util.Optional<String> model, BodyEdit upstreamEdit, boolean askUsage) {
            if (model.isEmpty() && upstreamEdit.isEmpty() && !askUsage) return entity();
            // The upstream's own name for the model wins; else the pinned one stays.
            return HttpEntities.create(ContentTypes.APPLICATION_JSON,
                    body.upstream(model.isPresent() ? model : pinned, edit.and(upstreamEdit), askUsage));
        }
    }

    record Streamed(RequestEntity original) implements UpstreamBody {
        public RequestEntity entity() {
            return original;
        }

        /** Akka hands small bodies over whole (Strict); those can be sent twice. Uploads cannot. */
        public boolean replayable() {
            return original.isStrict();
        }
    }
}
