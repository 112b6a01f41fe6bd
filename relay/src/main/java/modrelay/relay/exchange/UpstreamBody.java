package modrelay.relay.exchange;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.RequestEntity;
import akka.util.ByteString;

/** The request body as it goes upstream: bytes the relay read (replayable), or the client's stream. */
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
