package modrelay.relay.tokens;

import java.time.Instant;
import java.util.Optional;

/**
 * One exchange's usage, as stored and reported.
 *
 * @param at         when its body ended
 * @param subKey     the sub-key's id; empty for a proxy key (or an open relay)
 * @param model      the model the client named ("" when none)
 * @param upstream   the upstream that answered
 * @param moderation off, passed, cut or unavailable
 * @param cost       from the operator's price table; empty when the model has no price
 */
public record UsageRecord(Instant at, Optional<String> subKey, String model, String upstream, Usage usage, String moderation,
        Optional<Double> cost) {}
