package modrelay.relay.logging;

import modrelay.relay.proxy.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per request when its response has ended: what, who (by name), how it went, how long. */
public final class AccessLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("modrelay.access");

    private AccessLog() {}

    public static void log(Exchange ex, int status, long bytes, String outcome, String upstreamKeyAlias) {
        if (!ACCESS.isInfoEnabled()) return;
        long micros = (System.nanoTime() - ex.startNanos()) / 1000;
        ACCESS.info("{} {} status={} duration_ms={} bytes={} request_id={} client={} ip={} model={} moderation={} outcome={} upstream_key={}",
                ex.method(), pathOnly(ex.path()), status, micros / 1000.0, bytes, ex.requestId(), ex.client(), ex.clientIp(),
                ex.model().orElse("-"), ex.level().name().toLowerCase(java.util.Locale.ROOT), outcome, upstreamKeyAlias);
    }

    /** Query strings can carry secrets (some clients put keys there): log the path only. */
    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }
}
