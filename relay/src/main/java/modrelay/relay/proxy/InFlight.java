package modrelay.relay.proxy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts exchanges from arrival until their response body has ended, so graceful shutdown can wait
 * for running streams. Akka's own {@code ServerBinding.terminate} considers a request done once its
 * response headers are out, and would cut a stream that is still running.
 */
public final class InFlight {
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicReference<CompletableFuture<Void>> drained = new AtomicReference<>();

    public int count() {
        return count.get();
    }

    void begin() {
        count.incrementAndGet();
    }

    void end() {
        if (count.decrementAndGet() == 0) {
            CompletableFuture<Void> waiter = drained.get();
            if (waiter != null) waiter.complete(null);
        }
    }

    /** Completes when nothing is in flight, or after {@code deadline}, whichever comes first. */
    public CompletionStage<Void> drained(Duration deadline) {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        drained.set(waiter);
        if (count.get() <= 0) waiter.complete(null);
        return waiter.completeOnTimeout(null, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
