package modrelay.relay.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What {@link UpstreamHealth} publishes after every change: per upstream, whether it takes traffic
 * and how many failures in a row it has had. The hot path reads it; it never asks.
 */
public record HealthSnapshot(List<State> states) {

    public enum Status {
        /** Takes traffic. */
        UP,
        /** Failed too often: resting until its probe. */
        OUT,
        /** Its probe is running; still no traffic. */
        PROBING
    }

    public record State(Status status, int consecutiveFailures) {
        static final State HEALTHY = new State(Status.UP, 0);
    }

    public HealthSnapshot {
        states = List.copyOf(states);
    }

    public static HealthSnapshot allUp(int upstreams) {
        return new HealthSnapshot(Collections.nCopies(upstreams, State.HEALTHY));
    }

    public boolean up(int upstream) {
        return states.get(upstream).status() == Status.UP;
    }

    /** Whether a success would change anything (so the hot path tells the actor only then). */
    public boolean clean(int upstream) {
        return states.get(upstream).equals(State.HEALTHY);
    }

    HealthSnapshot with(int upstream, State state) {
        List<State> next = new ArrayList<>(states);
        next.set(upstream, state);
        return new HealthSnapshot(next);
    }
}
