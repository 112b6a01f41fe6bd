package modrelay.relay.access;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What one request is admitted on and settled with: the estimate of its tokens (prompt, plus its own cap
 * on output when it sets one) and their cost, taken from the key's budgets before it is sent; at the end
 * of its body, the tokens and cost it really used replace the estimate.
 *
 * @param atBodyEnd where the settling runs once the response body has ended
 * @param actual    the exchange's real usage, once known (empty: it has none; the estimate then stands)
 */
public record Reservation(long tokens, double cost, Consumer<Runnable> atBodyEnd, Supplier<Optional<Spent>> actual) {

    /** Tokens and money one exchange used. */
    public record Spent(long tokens, double cost) {}

    /** A request that counts no tokens (no JSON body, an endpoint without usage). */
    public static Reservation none() {
        return new Reservation(0, 0, r -> {}, Optional::empty);
    }

    public boolean counts() {
        return tokens > 0 || cost > 0;
    }
}
