package modrelay.relay.access;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Requests per minute, per key, in this instance's memory: a token bucket holding {@code rpm}
 * requests that refills at {@code rpm} per minute (GCRA: one timestamp per key). A burst of
 * {@code rpm} requests passes at once; the next waits 60/rpm seconds. Not thread-safe: the
 * {@link SubKeyRegistry} actor owns it.
 */
public final class RateLimiter {
    /** Per key: the theoretical arrival time of the next request once the bucket is empty. */
    private final Map<String, Instant> tat = new HashMap<>();

    /** Takes one request's place; empty when allowed, else how long until one is free. */
    public Optional<Duration> acquire(String key, int rpm, Instant now) {
        Duration interval = Duration.ofNanos(60_000_000_000L / rpm);
        Duration burst = Duration.ofMinutes(1).minus(interval);
        Instant current = tat.getOrDefault(key, now);
        if (current.isBefore(now)) current = now;
        Instant allowedAt = current.minus(burst);
        if (now.isBefore(allowedAt)) return Optional.of(Duration.between(now, allowedAt));
        tat.put(key, current.plus(interval));
        return Optional.empty();
    }

    /** Forgets keys whose bucket is full again (their state says nothing any more). */
    public void prune(Instant now) {
        tat.values().removeIf(t -> !t.isAfter(now));
    }

    int size() {
        return tat.size();
    }
}
