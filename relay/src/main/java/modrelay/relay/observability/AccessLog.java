package modrelay.relay.observability;

import java.util.Locale;
import modrelay.relay.exchange.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per request when its response has ended: what, who (by name), how it went, how long. The
 * fields are in the message as {@code key=value} (text logs) and also as SLF4J key-value pairs, which
 * the JSON layout (LOG_FORMAT=json) renders as separate fields.
 */
public final class AccessLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("modrelay.access");

    private AccessLog() {}

    /** A request answered without the upstream's response headers (rejected, failed). */
    public static void log(Exchange ex, int status, long bytes, String outcome, String upstreamKeyAlias) {
        log(ex, status, bytes, outcome, upstreamKeyAlias, -1, "off");
    }

    /**
     * @param ttfbNanos         time until the upstream's response headers, or -1 when there were none
     * @param moderationOutcome off, passed, cut or unavailable
     */
    public static void log(Exchange ex, int status, long bytes, String outcome, String upstreamKeyAlias, long ttfbNanos,
            String moderationOutcome) {
        log(ex, status, bytes, outcome, upstreamKeyAlias, ttfbNanos, moderationOutcome, null);
    }

    /** @param usage the exchange's token usage, or null when it has none (the fields are left out then) */
    public static void log(Exchange ex, int status, long bytes, String outcome, String upstreamKeyAlias, long ttfbNanos,
            String moderationOutcome, modrelay.relay.tokens.UsageRecord usage) {
        if (!ACCESS.isInfoEnabled()) return;
        long micros = (System.nanoTime() - ex.startNanos()) / 1000;
        String path = clean(ex.pathOnly());
        StringBuilder msg = new StringBuilder(256).append(ex.method()).append(' ').append(path);
        LoggingEventBuilder line = ACCESS.atInfo()
                .addKeyValue("method", ex.method())
                .addKeyValue("path", path);
        field(line, msg, "status", status);
        field(line, msg, "duration_ms", micros / 1000.0);
        field(line, msg, "ttfb_ms", ttfbNanos < 0 ? "-" : (Object) ((ttfbNanos / 1000) / 1000.0));
        field(line, msg, "bytes", bytes);
        field(line, msg, "request_id", ex.requestId());
        field(line, msg, "client", clean(ex.client()));
        field(line, msg, "ip", ex.clientIp());
        field(line, msg, "model", clean(ex.model().orElse("-")));
        field(line, msg, "moderation", ex.level().name().toLowerCase(Locale.ROOT));
        field(line, msg, "moderation_outcome", moderationOutcome);
        field(line, msg, "outcome", outcome);
        field(line, msg, "upstream_key", upstreamKeyAlias);
        if (usage != null) {
            field(line, msg, "prompt_tokens", usage.usage().prompt());
            field(line, msg, "completion_tokens", usage.usage().completion());
            field(line, msg, "total_tokens", usage.usage().total());
            field(line, msg, "cached_tokens", usage.usage().cached());
            field(line, msg, "reasoning_tokens", usage.usage().reasoning());
            field(line, msg, "usage_estimated", usage.usage().estimated());
            // only for a model in PRICES: an unpriced exchange has no cost, not a cost of 0
            if (usage.cost().isPresent()) field(line, msg, "cost", usage.cost().get());
        }
        line.log(msg.toString());
    }

    /** A request the IP rules refused: nothing else is known about it (no credentials were read). */
    public static void refusedByIp(String method, String path, String requestId, String clientIp, int status) {
        if (!ACCESS.isInfoEnabled()) return;
        String p = clean(path);
        StringBuilder msg = new StringBuilder(160).append(method).append(' ').append(p);
        LoggingEventBuilder line = ACCESS.atInfo().addKeyValue("method", method).addKeyValue("path", p);
        field(line, msg, "status", status);
        field(line, msg, "request_id", requestId);
        field(line, msg, "ip", clean(clientIp));
        field(line, msg, "outcome", "ip_refused");
        line.log(msg.toString());
    }

    private static void field(LoggingEventBuilder line, StringBuilder msg, String key, Object value) {
        msg.append(' ').append(key).append('=').append(value);
        line.addKeyValue(key, value);
    }


    /** Client-chosen text (paths, model names) must not forge lines: control characters and spaces become '_'. */
    static String clean(String value) {
        StringBuilder b = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f || c == 0x2028 || c == 0x2029) {
                if (b == null) b = new StringBuilder(value);
                b.setCharAt(i, '_');
            }
        }
        String out = b == null ? value : b.toString();
        return out.length() > 200 ? out.substring(0, 200) + "…" : out;
    }
}
