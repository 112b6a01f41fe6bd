package modrelay.moderation.capacity;

import java.time.Duration;
import java.util.Objects;

/**
 * What one moderation account allows, shared by every stream.
 *
 * @param callsPerSecond     the account's rate limit (TMS answers {@code RequestLimitExceeded} beyond it)
 * @param maxInFlight        calls on the wire at once, all streams together
 * @param maxCallsPerRequest calls one request (one lane) may hold at once: its fair share
 * @param maxWait            how long a call may wait for its turn before the frame fails closed
 * @param charsPerCall       how much text one call takes: a longer text costs several calls
 */
public record CallLimits(int callsPerSecond, int maxInFlight, int maxCallsPerRequest, Duration maxWait, int charsPerCall) {
    public CallLimits {
        Objects.requireNonNull(maxWait, "maxWait");
        if (callsPerSecond < 1) throw new IllegalArgumentException("callsPerSecond must be at least 1");
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1");
        if (maxCallsPerRequest < 1) throw new IllegalArgumentException("maxCallsPerRequest must be at least 1");
        if (maxWait.isNegative() || maxWait.isZero()) throw new IllegalArgumentException("maxWait must be positive");
        if (charsPerCall < 1) throw new IllegalArgumentException("charsPerCall must be at least 1");
    }
}
