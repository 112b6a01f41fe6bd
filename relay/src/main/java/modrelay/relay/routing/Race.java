package modrelay.relay.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The {@code parallel} strategy's decision, apart from any HTTP: entrants run at once, the first successful one
 * wins, every other is given to {@code lose} (cancelled) as soon as it ends or at once if it already has. When no
 * entrant succeeds, the one earliest in the given order that answered at all is kept, then the earliest failure.
 * The race ends at the answers' headers, before any byte reaches the client.
 *
 * @param <T> an entrant's outcome
 */
final class Race<T> {
    private final List<CompletionStage<T>> entrants;
    private final java.util.function.Predicate<T> success;
    private final java.util.function.Predicate<T> answered;
    private final Consumer<T> lose;

    Race(List<CompletionStage<T>> entrants, java.util.function.Predicate<T> success, java.util.function.Predicate<T> answered,
            Consumer<T> lose) {
        this.entrants = List.copyOf(entrants);
        this.success = success;
        this.answered = answered;
        this.lose = lose;
    }

    CompletionStage<T> run() {
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicBoolean decided = new AtomicBoolean();
        AtomicInteger left = new AtomicInteger(entrants.size());
        List<Object> outcomes = new ArrayList<>(java.util.Collections.nCopies(entrants.size(), null));
        Object[] winner = new Object[1];
        for (int i = 0; i < entrants.size(); i++) {
            int index = i;
            entrants.get(i).whenComplete((value, error) -> {
                boolean mine = false;
                synchronized (outcomes) {
                    outcomes.set(index, error != null ? new Failed(error) : value);
                    if (error == null && success.test(value) && !decided.get()) {
                        decided.set(true);
                        winner[0] = value;
                        mine = true;
                    }
                }
                if (mine) {
                    result.complete(value);
                    synchronized (outcomes) {
                        for (Object o : outcomes) if (o != null && o != value && !(o instanceof Failed)) loseQuietly(o);
                    }
                } else if (decided.get() && error == null) {
                    synchronized (outcomes) {
                        if (value != winner[0]) loseQuietly(value);
                    }
                }
                if (left.decrementAndGet() == 0 && !decided.get()) settleWithoutWinner(result, outcomes);
            });
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private void loseQuietly(Object o) {
        try {
            lose.accept((T) o);
        } catch (RuntimeException ignored) {
            // A loser that cannot be cancelled is already over.
        }
    }

    /** Nobody succeeded: the first answer in order (the others cancelled), else the first failure. */
    @SuppressWarnings("unchecked")
    private void settleWithoutWinner(CompletableFuture<T> result, List<Object> outcomes) {
        synchronized (outcomes) {
            T kept = null;
            for (Object o : outcomes) {
                if (!(o instanceof Failed) && kept == null && answered.test((T) o)) kept = (T) o;
            }
            if (kept == null) {
                for (Object o : outcomes) if (!(o instanceof Failed)) {
                    kept = (T) o;
                    break;
                }
            }
            if (kept != null) {
                for (Object o : outcomes) if (o != kept && !(o instanceof Failed)) loseQuietly(o);
                result.complete(kept);
                return;
            }
            result.completeExceptionally(((Failed) outcomes.get(0)).error());
        }
    }

    private record Failed(Throwable error) {}
}
