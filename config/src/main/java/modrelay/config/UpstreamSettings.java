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
 * @param http2            UPSTREAM_HTTP2: requests go to every upstream over shared HTTP/2 connections (ALPN over TLS,
 *                         prior knowledge over plain http) instead of one HTTP/1.1 connection per exchange
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
        boolean http2,
        int http2Streams) {

    public boolean hasServerKeys() {
        return !keys.isEmpty();
    }
}
