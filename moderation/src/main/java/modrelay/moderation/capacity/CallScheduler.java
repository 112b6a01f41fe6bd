package modrelay.moderation.capacity;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Shares one moderation account among every stream, without a thread per waiting call.
 *
 * <ul>
 *   <li><b>Rate</b>: a token bucket refilled at the account's calls per second (a burst of 1/50 s),
 *       so the service is not asked faster than it answers; beyond it calls <em>wait</em>, they are
 *       never refused. A {@link #slowDown() RequestLimitExceeded} empties the bucket and lowers the
 *       rate for a while (multiplicative decrease, then a gradual return to the configured rate).</li>
 *   <li><b>Fairness</b>: each request asks through its own {@link Lane}; lanes with a waiting call
 *       are served round-robin, and a lane holds at most {@code maxCallsPerRequest} calls in flight,
 *       so one request with many long choices waits its turn instead of starving the others.</li>
 *   <li><b>Bound</b>: at most {@code maxInFlight} calls on the wire at once.</li>
 * </ul>
 *
 * A caller that gives up cancels its future; the turn then goes to the next lane and no token is spent.
 * Retries of a call that already holds a permit ({@link #retryTurn()}) are served before new calls.
 */
public final class CallScheduler {
    /** A lane of {@link #unlimited()}: grants at once, counts nothing. */
    private static final CallScheduler UNLIMITED = new CallScheduler();
    private static final long SECOND = 1_000_000_000L;
    /** The bucket holds this fraction of a second's calls: small bursts, no second's worth at once. */
    private static final int BURST_DIVISOR = 50;
    /** Several limit answers in a row are one signal, not several. */
    private static final long SLOW_DOWN_SPACING = SECOND / 10;
    /** How far the rate drops on a limit answer, and how fast it comes back (share of the limit per second). */
    private static final double DECREASE = 0.8;
    private static final double RECOVERY_PER_SECOND = 0.1;
    private static final double MIN_RATE_SHARE = 0.1;

    private final boolean unlimited;
    private final CallLimits limits;
    private final LongSupplier clock;
    private final Wakeups wakeups;

    // Guarded by this.
    private final ArrayDeque<Lane> ring = new ArrayDeque<>();
    private final ArrayDeque<Request> retries = new ArrayDeque<>();
    private final double burst;
    private double tokens;
    private double rate;
    private long refilledAt;
    private long slowedAt;
    private int inFlight;
    private boolean wakeUpPending;
    private long granted;
    private long slowDowns;

    private CallScheduler() {
        this.unlimited = true;
        this.limits = null;
        this.clock = System::nanoTime;
        this.wakeups = null;
        this.burst = 0;
    }

    CallScheduler(CallLimits limits, LongSupplier clock, Wakeups wakeups) {
        this.unlimited = false;
        this.limits = limits;
        this.clock = clock;
        this.wakeups = wakeups;
        this.burst = Math.max(1.0, limits.callsPerSecond() / (double) BURST_DIVISOR);
        this.tokens = burst;
        this.rate = limits.callsPerSecond();
        this.refilledAt = clock.getAsLong();
        this.slowedAt = refilledAt - 10 * SECOND;
    }

    /** A scheduler for these limits, on the system clock and the JVM's one scheduler thread. */
    public static CallScheduler create(CallLimits limits) {
        return new CallScheduler(limits, System::nanoTime, Wakeups.SHARED);
    }

    /** Grants every call at once: for moderators without a shared limit (keywords) and unmoderated streams. */
    public static CallScheduler unlimited() {
        return UNLIMITED;
    }

    public boolean isUnlimited() {
        return unlimited;
    }

    /** How long a call may wait for its turn (a day when unlimited: its turn comes at once). */
    public Duration maxWait() {
        return unlimited ? Duration.ofDays(1) : limits.maxWait();
    }

    /** How many calls moderating {@code text} costs (a long text is sent in several calls). */
    public int callsFor(String text) {
        if (unlimited || text.length() <= limits.charsPerCall()) return 1;
        return (text.length() + limits.charsPerCall() - 1) / limits.charsPerCall();
    }

    /** A lane for one request (one stream): its calls are counted together against its fair share. */
    public Lane lane() {
        return new Lane();
    }

    /**
     * A turn for one more call of a call that already holds its permit (a retry after
     * {@code RequestLimitExceeded}, a slice beyond what the permit paid for): spends a rate token,
     * served before new calls, not counted in flight again.
     */
    public CompletableFuture<Void> retryTurn() {
        if (unlimited) return CompletableFuture.completedFuture(null);
        CompletableFuture<CallPermit> turn = new CompletableFuture<>();
        synchronized (this) {
            retries.addLast(new Request(null, 1, turn));
        }
        dispatch();
        return turn.thenApply(permit -> null);
    }

    /** The service answered {@code RequestLimitExceeded}: ask more slowly for a while. */
    public void slowDown() {
        if (unlimited) return;
        synchronized (this) {
            long now = clock.getAsLong();
            refill(now);
            if (now - slowedAt >= SLOW_DOWN_SPACING) {
                rate = Math.max(limits.callsPerSecond() * MIN_RATE_SHARE, rate * DECREASE);
                slowDowns++;
            }
            slowedAt = now;
            tokens = Math.min(tokens, 0);
        }
    }

    /** A snapshot for logs, metrics and tests. */
    public synchronized Stats stats() {
        if (unlimited) return new Stats(0, 0, 0, 0, 0);
        int waiting = retries.size();
        for (Lane lane : ring) waiting += lane.pending.size();
        return new Stats(waiting, inFlight, granted, slowDowns, rate);
    }

    /** @param waiting calls waiting for a turn (cancelled ones not yet dropped included) */
    public record Stats(int waiting, int inFlight, long granted, long slowDowns, double callsPerSecond) {}

    /** Calls of one request. Thread-safe; a stream's stage and its moderator's callbacks share it. */
    public final class Lane {
        // Guarded by the scheduler.
        private final ArrayDeque<Request> pending = new ArrayDeque<>();
        private int inFlight;
        private boolean inRing;

        private Lane() {}

        /**
         * Completes with a permit for {@code calls} calls when it is this lane's turn; cancel the future
         * to give the turn up. A request heavier than the lane's share is granted when the lane holds
         * nothing else, so it waits but never forever.
         */
        public CompletableFuture<CallPermit> acquire(int calls) {
            if (calls < 1) throw new IllegalArgumentException("calls must be at least 1");
            if (unlimited) return CompletableFuture.completedFuture(new CallPermit(CallScheduler.this, this, calls));
            CompletableFuture<CallPermit> turn = new CompletableFuture<>();
            synchronized (CallScheduler.this) {
                pending.addLast(new Request(this, calls, turn));
                if (!inRing && fits(inFlight, limits.maxCallsPerRequest(), calls)) {
                    ring.addLast(this);
                    inRing = true;
                }
            }
            dispatch();
            return turn;
        }

        /** Calls this lane holds now. */
        public int inFlight() {
            synchronized (CallScheduler.this) {
                return inFlight;
            }
        }
    }

    private record Request(Lane lane, int calls, CompletableFuture<CallPermit> turn) {}

    void release(Lane lane, int calls) {
        if (unlimited) return;
        synchronized (this) {
            inFlight -= calls;
            lane.inFlight -= calls;
            Request next = lane.pending.peekFirst();
            if (!lane.inRing && next != null && fits(lane.inFlight, limits.maxCallsPerRequest(), next.calls())) {
                ring.addLast(lane); // back of the queue: the others had their turn meanwhile
                lane.inRing = true;
            }
        }
        dispatch();
    }

    /** Grants what the tokens and limits allow, in turn; futures are completed outside the lock. */
    private void dispatch() {
        List<Runnable> grants = new ArrayList<>();
        synchronized (this) {
            refill(clock.getAsLong());
            while (!retries.isEmpty() && tokens >= 1) {
                Request r = retries.pollFirst();
                if (r.turn().isDone()) continue;
                tokens -= 1;
                granted++;
                CallPermit permit = new CallPermit(this, null, 0);
                grants.add(() -> r.turn().complete(permit));
            }
            while (retries.isEmpty() && !ring.isEmpty() && tokens >= 1) {
                Lane lane = ring.pollFirst();
                lane.inRing = false;
                Request r = lane.pending.peekFirst();
                while (r != null && r.turn().isDone()) { // given up while waiting
                    lane.pending.pollFirst();
                    r = lane.pending.peekFirst();
                }
                if (r == null || !fits(lane.inFlight, limits.maxCallsPerRequest(), r.calls())) continue; // back on release
                if (!fits(inFlight, limits.maxInFlight(), r.calls())) {
                    ring.addFirst(lane); // keeps its place; a release dispatches again
                    lane.inRing = true;
                    break;
                }
                Request chosen = lane.pending.pollFirst();
                tokens -= chosen.calls(); // a call of several slices may borrow from the next tokens
                inFlight += chosen.calls();
                lane.inFlight += chosen.calls();
                granted++;
                CallPermit permit = new CallPermit(this, lane, chosen.calls());
                grants.add(() -> {
                    if (!chosen.turn().complete(permit)) permit.release(); // given up at the last moment
                });
                Request next = lane.pending.peekFirst();
                if (next != null && fits(lane.inFlight, limits.maxCallsPerRequest(), next.calls())) {
                    ring.addLast(lane);
                    lane.inRing = true;
                }
            }
            boolean waiting = !retries.isEmpty() || (!ring.isEmpty() && inFlight < limits.maxInFlight());
            if (waiting && tokens < 1 && !wakeUpPending) {
                wakeUpPending = true;
                long nanos = (long) Math.ceil((1 - tokens) / rate * SECOND);
                wakeups.after(Math.max(nanos, 100_000), this::wakeUp);
            }
        }
        grants.forEach(Runnable::run);
    }

    private void wakeUp() {
        synchronized (this) {
            wakeUpPending = false;
        }
        dispatch();
    }

    private void refill(long now) {
        long elapsed = now - refilledAt;
        if (elapsed <= 0) return;
        refilledAt = now;
        double seconds = elapsed / (double) SECOND;
        if (rate < limits.callsPerSecond() && now - slowedAt >= SECOND) {
            rate = Math.min(limits.callsPerSecond(), rate + limits.callsPerSecond() * RECOVERY_PER_SECOND * seconds);
        }
        tokens = Math.min(burst, tokens + rate * seconds);
    }

    /** A holder of nothing may take any weight, so that a heavy request is never stuck. */
    private static boolean fits(int held, int limit, int more) {
        return held == 0 || held + more <= limit;
    }

    @Override
    public String toString() {
        return unlimited ? "CallScheduler(unlimited)" : "CallScheduler(" + limits.callsPerSecond() + " calls/s, "
                + limits.maxCallsPerRequest() + " per request, " + limits.maxInFlight() + " in flight)";
    }
}
