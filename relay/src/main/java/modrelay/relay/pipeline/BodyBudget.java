package modrelay.relay.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that request bodies being read may hold together, so that many large bodies at once
 * cannot take the heap from everyone. Small bodies (most chat requests) do not count: they keep
 * flowing when the budget is spent.
 */
final class BodyBudget {
    /** Bodies up to this size are not counted. */
    static final long SMALL = 64 * 1024;

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget, or says no. A small body always gets through. */
    boolean tryTake(long bytes) {
        if (bytes <= SMALL) return true;
        while (true) {
            long now = held.get();
            if (now + bytes > limit) return false;
            if (held.compareAndSet(now, now + bytes)) return true;
        }
    }

    void giveBack(long bytes) {
        if (bytes > SMALL) held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }
}
