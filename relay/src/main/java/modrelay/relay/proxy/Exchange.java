package modrelay.relay.proxy;

import java.util.Optional;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.text.Dialect;

/**
 * What the relay knows about one request once it has been admitted.
 *
 * @param requestId   from X-Request-Id or made up; returned on every response
 * @param client      the proxy key's name ("key-1") or "open"; never the key
 * @param path        the path after the route prefix, with the query
 * @param dialect     where the text is, when the path is one the relay can moderate
 * @param level       the resolved moderation level (OFF when not moderated)
 * @param startNanos  System.nanoTime() when the request arrived
 * @param requestJson the JSON body as sent upstream, kept for the chat log only when it is on; else empty
 * @param bodyEnd     what runs once the response body has been sent (shared by every copy of this exchange)
 * @param stream      the JSON body asked for a stream ({@code "stream": true}): how an unreadable moderated answer is
 *                    refused when its own content type does not say
 */
public record Exchange(
        String requestId,
        String client,
        String clientIp,
        String method,
        String path,
        Optional<Dialect> dialect,
        ModerationLevel level,
        Optional<String> model,
        long startNanos,
        akka.util.ByteString requestJson,
        BodyEnd bodyEnd,
        boolean stream) {

    public Exchange(String requestId, String client, String clientIp, String method, String path, Optional<Dialect> dialect,
            ModerationLevel level, Optional<String> model, long startNanos, akka.util.ByteString requestJson, BodyEnd bodyEnd) {
        this(requestId, client, clientIp, method, path, dialect, level, model, startNanos, requestJson, bodyEnd, false);
    }

    public Exchange(String requestId, String client, String clientIp, String method, String path, Optional<Dialect> dialect,
            ModerationLevel level, Optional<String> model, long startNanos) {
        this(requestId, client, clientIp, method, path, dialect, level, model, startNanos, akka.util.ByteString.emptyByteString(),
                new BodyEnd());
    }

    /** The path without its query: query strings can carry secrets (some clients put keys there), so logs use this. */
    public String pathOnly() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    public boolean moderated() {
        return level != ModerationLevel.OFF && dialect.isPresent();
    }

    public Exchange withModeration(Optional<Dialect> d, ModerationLevel l, Optional<String> m) {
        return new Exchange(requestId, client, clientIp, method, path, d, l, m, startNanos, requestJson, bodyEnd, stream);
    }

    public Exchange withRequestJson(akka.util.ByteString json) {
        return new Exchange(requestId, client, clientIp, method, path, dialect, level, model, startNanos, json, bodyEnd, stream);
    }

    public Exchange withStream(boolean s) {
        return new Exchange(requestId, client, clientIp, method, path, dialect, level, model, startNanos, requestJson, bodyEnd, s);
    }
}
