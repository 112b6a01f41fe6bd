package modrelay.moderation.stage;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one framing stage holds, readable from any thread: the number of upstream events and their bytes
 * taken in but not yet handed on, and a signal each time the stage stops pulling because it is full.
 * For tests and metrics; the stage never reads it back.
 */
final class BufferGauge {

    private final AtomicInteger events = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger maxEventsSeen = new AtomicInteger();
    private final AtomicLong maxBytesSeen = new AtomicLong();
    private final Semaphore fullSignals = new Semaphore(0);

    void holding(int events, long bytes) {
        this.events.set(events);
        this.bytes.set(bytes);
        maxEventsSeen.accumulateAndGet(events, Math::max);
        maxBytesSeen.accumulateAndGet(bytes, Math::max);
    }

    void full() {
        fullSignals.release();
    }

    int events() {
        return events.get();
    }

    long bytes() {
        return bytes.get();
    }

    int maxEventsSeen() {
        return maxEventsSeen.get();
    }

    long maxBytesSeen() {
        return maxBytesSeen.get();
    }

    /** Waits for the next time the stage stopped pulling because it was full (a signal, not a clock). */
    boolean awaitFull(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        return fullSignals.tryAcquire(timeout, unit);
    }
}
