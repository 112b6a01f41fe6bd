package modrelay.relay.upstream;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Parses a Retry-After value: delta-seconds or an HTTP date (RFC 9110 §10.2.3), capped at
 * {@link KeyPool#MAX_REST}: whatever an upstream (or something in front of it) says, a key does not
 * rest longer than that.
 */
public final class RetryAfter {
    private RetryAfter() {}

    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null || value.isBlank()) return Optional.empty();
        String v = value.trim();
        Duration d;
        try {
            long seconds = Long.parseLong(v);
            if (seconds < 0) return Optional.empty();
            d = seconds > KeyPool.MAX_REST.toSeconds() ? KeyPool.MAX_REST : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                d = Duration.between(now, at);
            } catch (RuntimeException notADate) {
                return Optional.empty();
            }
        }
        if (d.isNegative()) return Optional.of(Duration.ZERO);
        return Optional.of(d.compareTo(KeyPool.MAX_REST) > 0 ? KeyPool.MAX_REST : d);
    }

    /** The instant the key may be used again, for {@link KeyPoolClient#rateLimited}. */
    public static Optional<Instant> until(String value, Instant now) {
        return parse(value, now).map(now::plus);
    }
}
