package modrelay.relay.access;

import java.util.Optional;

/**
 * A sub-key's token and spend limits and what it has used of them (as of when it was read). With
 * PostgreSQL every instance spends from the same counters (one transaction of conditional updates per
 * request); with SQLite they are this instance's.
 *
 * @param tokenBudget     tokens in all (prompt + completion); empty means no limit
 * @param tokensPerDay    tokens per UTC day
 * @param tokensPerMonth  tokens per UTC calendar month
 * @param tokensPerMinute tokens per minute (fixed one-minute windows)
 * @param spendBudget     money in all, at the operator's PRICES; empty means no limit
 * @param tokensUsed      tokens used so far (every relayed exchange whose usage is counted)
 * @param spendUsed       money spent so far (exchanges of priced models)
 */
public record SubKeyBudgets(Optional<Long> tokenBudget, Optional<Long> tokensPerDay, Optional<Long> tokensPerMonth,
        Optional<Long> tokensPerMinute, Optional<Double> spendBudget, long tokensUsed, double spendUsed) {

    public static final SubKeyBudgets NONE = new SubKeyBudgets(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), 0, 0);

    /** Whether a request must be admitted on its estimate (any token or spend limit is set). */
    public boolean limits() {
        return tokenBudget.isPresent() || tokensPerDay.isPresent() || tokensPerMonth.isPresent() || tokensPerMinute.isPresent()
                || spendBudget.isPresent();
    }

    /**
     * A change to the limits: an empty outer Optional leaves a limit as it is, an empty inner one clears it.
     * The used counters are never patched.
     */
    public record Patch(Optional<Optional<Long>> tokenBudget, Optional<Optional<Long>> tokensPerDay,
            Optional<Optional<Long>> tokensPerMonth, Optional<Optional<Long>> tokensPerMinute,
            Optional<Optional<Double>> spendBudget) {
        public static final Patch NONE = new Patch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());

        public boolean isEmpty() {
            return tokenBudget.isEmpty() && tokensPerDay.isEmpty() && tokensPerMonth.isEmpty() && tokensPerMinute.isEmpty()
                    && spendBudget.isEmpty();
        }

        /** The limits of a new key. */
        public SubKeyBudgets applied() {
            return new SubKeyBudgets(tokenBudget.flatMap(x -> x), tokensPerDay.flatMap(x -> x), tokensPerMonth.flatMap(x -> x),
                    tokensPerMinute.flatMap(x -> x), spendBudget.flatMap(x -> x), 0, 0);
        }
    }
}
