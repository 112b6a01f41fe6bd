package modrelay.relay.exchange;

import modrelay.relay.response.ClientBody;
import java.util.ArrayList;
import java.util.List;

/**
 * What must happen once an exchange's response body has been sent, however it ended: the in-flight
 * count for graceful shutdown, the router's per-upstream count. Collected here and run once by the
 * body's own stage (ClientBody), so the body is not wrapped again by every layer that
 * wants to know (each wrap cost several stream stages per response).
 */
public final class BodyEnd {
    private final List<Runnable> hooks = new ArrayList<>(2);
    /** Where a running event stream registers so shutdown can end it; null outside a relay (tests). */
    private final RunningStreams streams;
    private boolean ran;
    private volatile boolean attached;

    public BodyEnd() {
        this(null);
    }

    public BodyEnd(RunningStreams streams) {
        this.streams = streams;
    }

    /** Where this exchange's event stream registers, if it runs inside a relay. */
    public java.util.Optional<RunningStreams> streams() {
        return java.util.Optional.ofNullable(streams);
    }

    /** Runs {@code hook} when the body ends; at once if it already has. */
    public void add(Runnable hook) {
        synchronized (this) {
            if (!ran) {
                hooks.add(hook);
                return;
            }
        }
        hook.run();
    }

    /** Runs every hook, once; later calls do nothing. */
    public void run() {
        List<Runnable> now;
        synchronized (this) {
            if (ran) return;
            ran = true;
            now = List.copyOf(hooks);
            hooks.clear();
        }
        for (Runnable r : now) r.run();
    }

    /** A stage of the response body will call {@link #run()}. */
    public void attach() {
        attached = true;
    }

    /** Whether a body stage runs the hooks; if not, whoever sends the response must. */
    public boolean attached() {
        return attached;
    }
}
