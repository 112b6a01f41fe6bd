package modrelay.relay.exchange;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
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
     * A JSON body the relay read once ({@link JsonBody}): sent as {@code application/json}, its flags removed; an
     * upstream that knows the model by another name gets {@link #withModel}, spliced from the same reading.
     */
    record Json(JsonBody body, ByteString bytes) implements UpstreamBody {
        public static Json of(JsonBody body) {
            return new Json(body, ByteString.fromArrayUnsafe(body.upstream()));
        }

        public RequestEntity entity() {
            return HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes);
        }

        public boolean replayable() {
            return true;
        }

        public RequestEntity withModel(String name) {
            return HttpEntities.create(ContentTypes.APPLICATION_JSON, body.upstreamWithModel(name));
        }

        /** The body with the model renamed (unless {@code name} is null) and, when {@code askUsage}, include_usage spliced in. */
        public RequestEntity entity(String name, boolean askUsage) {
            if (!askUsage) return withModel(name);
            return HttpEntities.create(ContentTypes.APPLICATION_JSON, body.upstreamAskingUsage(name));
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
