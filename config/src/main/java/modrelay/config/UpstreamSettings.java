package modrelay.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The upstream API.
 *
 * @param baseUrl          scheme, host, port and optional base path, e.g. https://api.openai.com
 * @param keys             server-side upstream keys (OPENAI_KEY); empty means clients bring their own
 * @param connectTimeout   TCP/TLS connect
 * @param firstByteTimeout until the response headers (TIMEOUT)
 * @param idleTimeout      longest silence between two chunks of a response body
 * @param totalTimeout     cap on a whole exchange, stream included
 * @param maxConnections   pooled connections to the upstream host; each live stream holds one
 * @param keyCooldown      how long a key rests after a 429 without Retry-After
 * @param keepAlive        UPSTREAM_KEEP_ALIVE: how long an idle pooled connection is reused; below the upstream's own
 *                         keep-alive timeout, so the relay does not send on a connection the upstream is closing
 * @param streamUsage      UPSTREAM_STREAM_USAGE: whether the relay may add {@code stream_options.include_usage} to
 *                         streams sent to UPSTREAM_URL (false for a server that rejects the field; as UPSTREAMS'
 *                         {@code "stream_usage": false} does for one entry)
 * @param pairConnections  UPSTREAM_PAIR_CONNECTIONS: whether a client connection that sends more than one request
 *                         gets an upstream connection of its own (at most maxConnections such), instead of the pool
 * @param http2            UPSTREAM_HTTP2: which exchanges go to the upstreams over shared HTTP/2 connections (ALPN over TLS,
 *                         prior knowledge over plain http) instead of an HTTP/1.1 connection each
 * @param http2Streams     UPSTREAM_HTTP2_STREAMS: exchanges one HTTP/2 connection carries at once before the relay opens
 *                         another (at most maxConnections connections in all)
 */
public record UpstreamSettings(
        URI baseUrl,
        List<Secret> keys,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration idleTimeout,
        Duration totalTimeout,
        int maxConnections,
        Duration keyCooldown,
        Duration keepAlive,
        boolean streamUsage,
        boolean pairConnections,
        Http2Use http2,
        int http2Streams) {

    /** UPSTREAM_HTTP2. */
    public enum Http2Use {
        /** Every exchange over HTTP/1.1 (the pool, or a paired connection). */
        OFF,
        /** Streamed answers (the request's JSON asks for a stream) over HTTP/2; the rest as with OFF. */
        STREAMS,
        /** Every exchange over HTTP/2. */
        ALL;

        /** false/off/no/0, streams, true/on/all/yes/1 (any case). */
        public static java.util.Optional<Http2Use> parse(String raw) {
            return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "false", "off", "no", "0" -> java.util.Optional.of(OFF);
                case "streams" -> java.util.Optional.of(STREAMS);
                case "true", "on", "all", "yes", "1" -> java.util.Optional.of(ALL);
                default -> java.util.Optional.empty();
            };
        }
    }

    public boolean hasServerKeys() {
        return !keys.isEmpty();
    }
}
