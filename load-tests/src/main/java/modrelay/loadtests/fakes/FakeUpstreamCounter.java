package modrelay.loadtests.fakes;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A thread-safe count that tests can wait on: {@link #whenAtLeast} and {@link #whenAtMost}
 * complete as soon as the count satisfies them, so no test has to poll or sleep.
 */
final class FakeUpstreamCounter {
    private record Waiter(IntPredicate satisfied, CompletableFuture<Void> done) {}

    private final AtomicInteger value = new AtomicInteger();
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    int get() {
        return value.get();
    }

    void increment() {
        settle(value.incrementAndGet());
    }

    void decrement() {
        settle(value.decrementAndGet());
    }

    CompletionStage<Void> whenAtLeast(int n) {
        return when(count -> count >= n);
    }

    CompletionStage<Void> whenAtMost(int n) {
        return when(count -> count <= n);
    }

    private CompletionStage<Void> when(IntPredicate satisfied) {
        Waiter waiter = new Waiter(satisfied, new CompletableFuture<>());
        // Register before reading: a change racing with us is then seen either by us or by settle().
        waiters.add(waiter);
        settle(value.get());
        return waiter.done().minimalCompletionStage();
    }

    private void settle(int count) {
        if (waiters.isEmpty()) return; // the common case on the hot path
        for (Waiter waiter : waiters) {
            // Re-read: the count may have moved on since this change; waiters judge the latest value.
            if (waiter.satisfied().test(count) || waiter.satisfied().test(value.get())) {
                waiter.done().complete(null);
                waiters.remove(waiter);
            }
        }
    }
}
