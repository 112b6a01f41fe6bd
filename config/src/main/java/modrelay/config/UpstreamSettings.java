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
 */
public record UpstreamSettings(
        URI baseUrl,
        List<Secret> keys,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration idleTimeout,
        Duration totalTimeout,
        int maxConnections,
        Duration keyCooldown) {

    public boolean hasServerKeys() {
        return !keys.isEmpty();
    }
}
