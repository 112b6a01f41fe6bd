package modrelay.relay.routing;

import java.time.Duration;
import java.util.Optional;

/**
 * What an upstream's 401 or 429, answered to a request made with a server key, says about that key.
 * Only {@link Invalid} and {@link Limited} change the key's state: anything a client can provoke with
 * its own request (a missing scope, a request too large for any limit) must not take keys out.
 */
public sealed interface KeyVerdict {
    String why();

    /** The upstream's own invalid-key signal (OpenAI: 401 {@code invalid_api_key}): take this key out. */
    record Invalid(String why) implements KeyVerdict {}

    /** A rate or quota limit of the key: let it rest, for {@code retryAfter} when the upstream said (already capped). */
    record Limited(Optional<Duration> retryAfter, String why) implements KeyVerdict {}

    /** About the request, not the key (scopes, permissions, a request-specific limit): the client's answer, no key touched. */
    record NotTheKey(String why) implements KeyVerdict {}

    /** A 401 without a code that says why: only a probe with the key alone could tell; no key touched here. */
    record Unverified(String why) implements KeyVerdict {}
}
