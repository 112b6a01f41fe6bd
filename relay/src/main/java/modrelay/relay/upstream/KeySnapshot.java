package modrelay.relay.upstream;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import modrelay.config.Secret;

/**
 * An immutable view of the key pool that the {@link KeyPool} actor publishes. The hot path picks a
 * key from it without a message round trip; only reports that change state go to the actor.
 */
public record KeySnapshot(List<KeyState> keys) {

    /**
     * ACTIVE: in rotation. COOLING: rested after a rate limit of the key, until {@code until}.
     * QUARANTINED: the upstream said the key is invalid; out until a background probe with the key
     * succeeds (the next probe is due at {@code until}) or the operator re-enables it.
     */
    public enum Status {
        ACTIVE, COOLING, QUARANTINED;

        /** How the admin API and metrics spell it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param until  COOLING: when the key may be used again; QUARANTINED: when the next probe is due
     * @param reason why the key is not ACTIVE ("" when it is); never holds the key
     */
    public record KeyState(int index, Secret secret, Status status, Instant until, String reason) {
        public static KeyState active(int index, Secret secret) {
            return new KeyState(index, secret, Status.ACTIVE, Instant.EPOCH, "");
        }

        /**
         * "key-1", "key-2", … by position in the configured list: what logs, metrics and the admin API
         * show. Nothing derived from the secret (not even a fingerprint) leaves the pool.
         */
        public String alias() {
            return aliasOf(index);
        }

        boolean usableAt(Instant now) {
            return status == Status.ACTIVE || (status == Status.COOLING && !now.isBefore(until));
        }
    }

    public static String aliasOf(int index) {
        return "key-" + (index + 1);
    }

    /** The key with this alias ("key-2"), if there is one. */
    public Optional<KeyState> byAlias(String alias) {
        for (KeyState k : keys) if (k.alias().equals(alias)) return Optional.of(k);
        return Optional.empty();
    }

    /** What the hot path gets: a key, or why there is none. */
    public sealed interface Pick {
        record Key(KeyState key) implements Pick {}
        /** Every key is cooling; the earliest is usable again after this many seconds (at least 1). */
        record AllCooling(long retryAfterSeconds) implements Pick {}
        /** Every key is quarantined (the upstream said it is invalid). */
        record NoneUsable() implements Pick {}
    }

    private static boolean eligible(KeyState k, Instant now, Optional<Integer> avoid) {
        return k.usableAt(now) && (avoid.isEmpty() || avoid.get() != k.index());
    }

    /**
     * Round-robin from {@code counter}, skipping cooling and quarantined keys and {@code avoid} (the
     * key that just failed, when retrying).
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
            if (k.status() == Status.COOLING && (earliest == null || k.until().isBefore(earliest))) {
                earliest = k.until();
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
