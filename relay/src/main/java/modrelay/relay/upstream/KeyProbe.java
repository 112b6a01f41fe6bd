package modrelay.relay.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import modrelay.config.Secret;

/**
 * Asks the upstream whether one key is valid, off the request path: the key pool's way out of
 * quarantine. An implementation never puts the key in its outcome.
 */
@FunctionalInterface
public interface KeyProbe {

    CompletionStage<Outcome> probe(Secret key);

    /** VALID: the upstream accepted the key. INVALID: it said the key is wrong. INCONCLUSIVE: no answer either way. */
    enum Verdict { VALID, INVALID, INCONCLUSIVE }

    /** @param detail why, for the admin API and the log: a status or error code, never the key */
    record Outcome(Verdict verdict, String detail) {}

    /** No way to ask: a quarantined key stays out until the operator re-enables it. */
    KeyProbe NONE = key -> CompletableFuture.completedFuture(new Outcome(Verdict.INCONCLUSIVE, "no probe configured"));
}
