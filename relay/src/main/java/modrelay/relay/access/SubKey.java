package modrelay.relay.access;

import java.time.Instant;
import java.util.Optional;
import modrelay.moderation.ModerationLevel;

/**
 * A sub-key as stored: what it may do, and its usage as of when it was read. The secret itself is
 * never kept, only its SHA-256 ({@code secretHash}, hex) and a hint ({@code mr-…AbCd}).
 *
 * @param remaining  requests left; empty means no limit
 * @param used       successful relayed requests so far
 * @param rpm        requests per minute (shared through PostgreSQL, else per instance); empty means no limit
 * @param floor      moderation level this key's requests get at least; empty means the relay's policy alone
 * @param endpoints  the endpoints this key may use
 * @param budgets    token and spend limits and their use
 * @param binding    the upstream it is pinned to, its parameter defaults and caps ({@link SubKeyBinding})
 */
public record SubKey(
        String id,
        String name,
        String secretHash,
        String hint,
        Instant createdAt,
        Optional<Instant> expiresAt,
        Optional<Instant> revokedAt,
        Optional<Long> remaining,
        long used,
        Optional<Instant> lastUsedAt,
        Optional<Integer> rpm,
        ModelRules models,
        Optional<ModerationLevel> floor,
        EndpointRules endpoints,
        SubKeyBudgets budgets,
        SubKeyBinding binding) {

    /** A key without token or spend limits and without a binding. */
    public SubKey(String id, String name, String secretHash, String hint, Instant createdAt, Optional<Instant> expiresAt,
            Optional<Instant> revokedAt, Optional<Long> remaining, long used, Optional<Instant> lastUsedAt,
            Optional<Integer> rpm, ModelRules models, Optional<ModerationLevel> floor, EndpointRules endpoints) {
        this(id, name, secretHash, hint, createdAt, expiresAt, revokedAt, remaining, used, lastUsedAt, rpm, models, floor,
                endpoints, SubKeyBudgets.NONE, SubKeyBinding.NONE);
    }

    /** A key with the default endpoint allowlist. */
    public SubKey(String id, String name, String secretHash, String hint, Instant createdAt, Optional<Instant> expiresAt,
            Optional<Instant> revokedAt, Optional<Long> remaining, long used, Optional<Instant> lastUsedAt,
            Optional<Integer> rpm, ModelRules models, Optional<ModerationLevel> floor) {
        this(id, name, secretHash, hint, createdAt, expiresAt, revokedAt, remaining, used, lastUsedAt, rpm, models, floor,
                EndpointRules.DEFAULT, SubKeyBudgets.NONE, SubKeyBinding.NONE);
    }

    public enum Status { ACTIVE, EXPIRED, REVOKED, EXHAUSTED }

    public Status status(Instant now) {
        if (revokedAt.isPresent()) return Status.REVOKED;
        if (expired(now)) return Status.EXPIRED;
        if (remaining.isPresent() && remaining.get() <= 0) return Status.EXHAUSTED;
        return Status.ACTIVE;
    }

    public boolean expired(Instant now) {
        return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
    }
}
