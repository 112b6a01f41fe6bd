package modrelay.config;

import java.time.Duration;
import java.util.List;

/**
 * The listening side.
 *
 * @param routePrefix       path prefix the relay answers under ("" or e.g. "/openai"; never a trailing slash)
 * @param maxRequestBytes   largest request body accepted (413 above)
 * @param hopHeaderPrefix   request headers starting with this (lower case) are dropped; "" for none
 * @param shutdownDeadline  how long running streams may go on after SIGTERM
 * @param corsOrigins       allowed browser origins; ["*"] for any
 * @param heartbeatInterval an SSE comment is sent after this much silence, so dead clients are noticed
 * @param maxJsonBytes      largest JSON body the relay reads (model, flags, moderation); 413 above. Uploads
 *                          (multipart) stream through and are bounded by maxRequestBytes instead
 * @param bodyBudgetBytes   bytes all in-flight request bodies the relay reads may hold together; beyond it new
 *                          large bodies get 503 with Retry-After while small requests keep flowing
 */
public record ServerSettings(
        String host,
        int port,
        String routePrefix,
        long maxRequestBytes,
        String hopHeaderPrefix,
        Duration shutdownDeadline,
        List<String> corsOrigins,
        Duration heartbeatInterval,
        long maxJsonBytes,
        long bodyBudgetBytes) {}
