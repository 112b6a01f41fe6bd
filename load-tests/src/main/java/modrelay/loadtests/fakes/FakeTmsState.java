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
    private volatile Duration latency;
    private volatile FakeTms.FailureMode failure = FakeTms.FailureMode.NONE;

    FakeTmsState(Duration latency, int maxTexts) {
        this.latency = latency;
        this.maxTexts = maxTexts;
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
        return failure;
    }

    void setFailure(FakeTms.FailureMode failure) {
        this.failure = failure;
    }
}
