package modrelay.relay.access;

import java.time.Duration;
import java.util.Optional;

/** What the store (and the rate limiter) said to one request of a sub-key. */
public sealed interface Consumption {
    /** The request may go upstream; one request of the key's quota is taken (and given back if it fails). */
    record Granted(java.util.List<String> windows) implements Consumption {
        public Granted() {
            this(java.util.List.of());
        }
    }

    /**
     * Over a token, spend or shared request limit ({@code limit} names the field: token_budget, tokens_per_day,
     * tokens_per_month, tokens_per_minute, spend_budget, requests_per_minute); {@code retryAfter} when its window
     * reopens (empty for the totals, which never do).
     */
    record OverLimit(String limit, Optional<Duration> retryAfter) implements Consumption {}

    /** No requests left. */
    record Exhausted() implements Consumption {}

    /** Revoked, possibly through another instance. */
    record Revoked() implements Consumption {}

    /** Past its expiry, possibly changed through another instance. */
    record Expired() implements Consumption {}

    /** Deleted from the database behind this instance's back. */
    record Missing() implements Consumption {}

    /** Over its requests per minute; a request fits again after {@code retryAfter}. */
    record RateLimited(Duration retryAfter) implements Consumption {}

    /** The store could not answer (database down, queue full, timeout). Fail closed. */
    record Unavailable(String reason) implements Consumption {}
}
