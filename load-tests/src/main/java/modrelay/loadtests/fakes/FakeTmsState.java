package modrelay.loadtests.fakes;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** What tests change while the fake runs (latency, failure) and what they read back (calls, texts). */
final class FakeTmsState {
    private final AtomicInteger calls = new AtomicInteger();
    private final FakeUpstreamCounter rootGets = new FakeUpstreamCounter();
    private final ArrayDeque<FakeTms.Received> received = new ArrayDeque<>();
    private final int maxTexts;
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile Duration latency;
    private volatile FakeTms.FailureMode failure = FakeTms.FailureMode.NONE;
    private volatile FakeTms.FailureMode nextFailure = FakeTms.FailureMode.NONE;
    private volatile int callsPerSecond;
    // The current one-second window of the rate limit, guarded by this.
    private long windowSecond;
    private int windowCalls;

    FakeTmsState(Duration latency, int maxTexts, int callsPerSecond) {
        this.latency = latency;
        this.maxTexts = maxTexts;
        this.callsPerSecond = callsPerSecond;
    }

    /**
     * True when this call is beyond the rate limit: more than {@code callsPerSecond} calls in the
     * current wall-clock second (the window the service counts in); 0 means no limit.
     */
    boolean overRateLimit() {
        int limit = callsPerSecond;
        if (limit <= 0) return false;
        long second = System.currentTimeMillis() / 1000;
        synchronized (this) {
            if (second != windowSecond) {
                windowSecond = second;
                windowCalls = 0;
            }
            if (++windowCalls <= limit) return false;
        }
        rateLimited.incrementAndGet();
        return true;
    }

    int rateLimited() {
        return rateLimited.get();
    }

    void setCallsPerSecond(int callsPerSecond) {
        if (callsPerSecond < 0) throw new IllegalArgumentException("callsPerSecond < 0");
        this.callsPerSecond = callsPerSecond;
    }

    /** The next {@code calls} well-signed calls answer {@code failure}, later ones as before. */
    void failNext(FakeTms.FailureMode failure, int calls) {
        this.nextFailure = failure;
        failNext.set(calls);
    }

    void countCall() {
        calls.incrementAndGet();
    }

    int calls() {
        return calls.get();
    }

    void countRootGet() {
        rootGets.increment();
    }

    FakeUpstreamCounter rootGets() {
        return rootGets;
    }

    /** Keeps the newest {@code maxTexts}, so a long benchmark does not grow without bound. */
    void record(FakeTms.Received call) {
        if (maxTexts <= 0) return;
        synchronized (received) {
            if (received.size() == maxTexts) received.removeFirst();
            received.addLast(call);
        }
    }

    List<FakeTms.Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    Duration latency() {
        return latency;
    }

    void setLatency(Duration latency) {
        if (latency.isNegative()) throw new IllegalArgumentException("latency < 0");
        this.latency = latency;
    }

    FakeTms.FailureMode failure() {
        if (failNext.get() > 0 && failNext.getAndDecrement() > 0) return nextFailure;
        return failure;
    }

    void setFailure(FakeTms.FailureMode failure) {
        this.failure = failure;
    }
}
