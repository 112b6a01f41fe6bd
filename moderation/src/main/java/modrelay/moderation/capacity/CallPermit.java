package modrelay.moderation.capacity;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to make {@link #calls()} moderator calls now: granted by a {@link CallScheduler}, held
 * until the calls are answered, then {@linkplain #release() released} (the lane's and the account's
 * calls in flight go down). The rate tokens it took are spent either way.
 */
public final class CallPermit {
    private final CallScheduler scheduler;
    private final CallScheduler.Lane lane;
    private final int calls;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    CallPermit(CallScheduler scheduler, CallScheduler.Lane lane, int calls) {
        this.scheduler = scheduler;
        this.lane = lane;
        this.calls = calls;
    }

    /** How many calls this permit pays for. */
    public int calls() {
        return calls;
    }

    /**
     * True for the first caller only: the moderator that makes the calls claims the permit, so that a
     * second moderator handed the same context (a chain) asks for its own turn instead of reusing it.
     */
    public boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /** Gives the calls in flight back; safe to call more than once. */
    public void release() {
        if (released.compareAndSet(false, true)) scheduler.release(lane, calls);
    }

    boolean isReleased() {
        return released.get();
    }

    @Override
    public String toString() {
        return "CallPermit(" + calls + " call" + (calls == 1 ? "" : "s") + (released.get() ? ", released" : "") + ")";
    }
}
