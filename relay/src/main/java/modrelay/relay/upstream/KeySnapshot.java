package modrelay.relay.upstream;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import modrelay.config.Secret;

/**
 * An immutable view of the key pool that the {@link KeyPool} actor publishes. The hot path picks a
 * key from it without a message round trip; only reports that change state go to the actor.
 */
public record KeySnapshot(List<KeyState> keys) {

    public enum Status { ACTIVE, COOLING, DISABLED }

    /** @param coolingUntil when a COOLING key may be used again */
    public record KeyState(int index, Secret secret, Status status, Instant coolingUntil) {
        public String alias() {
            return "key#" + (index + 1) + "(" + secret.redacted() + ")";
        }

        boolean usableAt(Instant now) {
            return status == Status.ACTIVE || (status == Status.COOLING && !now.isBefore(coolingUntil));
        }
    }

    /** What the hot path gets: a key, or why there is none. */
    public sealed interface Pick {
        record Key(KeyState key) implements Pick {}
        /** Every key is cooling; the earliest is usable again after this many seconds (at least 1). */
        record AllCooling(long retryAfterSeconds) implements Pick {}
        /** Every key was rejected by the upstream (401). */
        record NoneUsable() implements Pick {}
    }

    private static boolean eligible(KeyState k, Instant now, Optional<Integer> avoid) {
        return k.usableAt(now) && (avoid.isEmpty() || avoid.get() != k.index());
    }

    /**
     * Round-robin from {@code counter}, skipping cooling and disabled keys and {@code avoid} (the key
     * that just failed, when retrying).
     */
    public Pick pick(AtomicLong counter, Instant now, Optional<Integer> avoid) {
        int n = keys.size();
        if (n == 0) return new Pick.NoneUsable();
        // Round-robin over the usable keys only: skipping to the next key instead would hand the
        // key after a cooling one a double share of the traffic.
        int usable = 0;
        for (KeyState k : keys) if (eligible(k, now, avoid)) usable++;
        if (usable > 0) {
            long nth = Math.floorMod(counter.getAndIncrement(), (long) usable);
            for (KeyState k : keys) {
                if (eligible(k, now, avoid) && nth-- == 0) return new Pick.Key(k);
            }
        }
        Instant earliest = null;
        for (KeyState k : keys) {
            if (k.status() == Status.COOLING && (earliest == null || k.coolingUntil().isBefore(earliest))) {
                earliest = k.coolingUntil();
            }
        }
        if (earliest == null) {
            // Only the avoided key is left usable, or none at all.
            if (avoid.isPresent() && keys.get(avoid.get()).usableAt(now)) return new Pick.Key(keys.get(avoid.get()));
            return new Pick.NoneUsable();
        }
        long seconds = Math.max(1, (long) Math.ceil((earliest.toEpochMilli() - now.toEpochMilli()) / 1000.0));
        return new Pick.AllCooling(seconds);
    }
}
