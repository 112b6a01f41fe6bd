package modrelay.relay.pipeline;

import modrelay.relay.exchange.BodyEnd;
import modrelay.relay.exchange.RunningStreams;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts exchanges from arrival until their response body has ended, so graceful shutdown can wait
 * for running streams. Akka's own {@code ServerBinding.terminate} considers a request done once its
 * response headers are out, and would cut a stream that is still running. Also knows the event
 * streams still running, so those left at the deadline can each be ended with a final SSE error
 * event ({@link #endStreams}) instead of a connection reset.
 */
public final class InFlight implements RunningStreams {
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicReference<CompletableFuture<Void>> drained = new AtomicReference<>();
    private final Set<Runnable> streams = ConcurrentHashMap.newKeySet();

    public int count() {
        return count.get();
    }

    /** One exchange arrived; the returned BodyEnd ends it (and lets its event stream be ended at shutdown). */
    BodyEnd begin() {
        count.incrementAndGet();
        BodyEnd end = new BodyEnd(this);
        end.add(this::end);
        return end;
    }

    /** A running event stream, and how to end it now (from any thread). */
    @Override
    public void started(Runnable endNow) {
        streams.add(endNow);
    }

    @Override
    public void ended(Runnable endNow) {
        streams.remove(endNow);
    }

    /** Event streams still running. */
    public int streams() {
        return streams.size();
    }

    /**
     * Ends every event stream still running with a final SSE error event (then its access and chat
     * log lines are written as for any ended stream); completes when nothing is in flight any more,
     * or after {@code wait}.
     */
    public CompletionStage<Void> endStreams(Duration wait) {
        for (Runnable endNow : List.copyOf(streams)) endNow.run();
        return drained(wait);
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
