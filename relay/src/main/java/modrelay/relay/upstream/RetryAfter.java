package modrelay.relay.upstream;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Parses a Retry-After value: delta-seconds or an HTTP date (RFC 9110 §10.2.3), capped at {@link #MAX}:
 * an upstream (or anything posing as one) must not shelve a key for hours with one answer.
 */
public final class RetryAfter {
    /** The longest rest one answer can ask for. */
    public static final Duration MAX = Duration.ofMinutes(10);

    private RetryAfter() {}

    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null || value.isBlank()) return Optional.empty();
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds >= 0 ? Optional.of(capped(Duration.ofSeconds(Math.min(seconds, MAX.toSeconds())))) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            if (v.chars().allMatch(Character::isDigit)) return Optional.of(MAX); // more seconds than a long holds
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(d.isNegative() ? Duration.ZERO : capped(d));
            } catch (RuntimeException notADate) {
                return Optional.empty();
            }
        }
    }

    /** The instant the key may be used again, for {@link KeyPoolClient#rateLimited}. */
    public static Optional<Instant> until(String value, Instant now) {
        return parse(value, now).map(now::plus);
    }

    /** {@code d}, at most {@link #MAX}. */
    public static Duration capped(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
