package modrelay.relay.routing;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import modrelay.relay.routing.HealthSnapshot.State;
import modrelay.relay.routing.HealthSnapshot.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns whether each upstream takes traffic. After {@code threshold} failures in a row (connect
 * failure, no headers in time, 5xx) an upstream is taken out; after {@code cooldown} it is probed
 * and only a probe that gets an answer (any status below 500) brings it back. Publishes a
 * {@link HealthSnapshot} after every change; requests read that and only report what happened.
 */
public final class UpstreamHealth {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHealth.class);

    /** Checks one upstream with a cheap call; completes with true when it answered below 500. */
    @FunctionalInterface
    public interface Prober {
        CompletionStage<Boolean> probe(int upstream);
    }

    public sealed interface Command {}

    /** A request to this upstream got an answer (below 500). */
    public record Succeeded(int upstream) implements Command {}

    /** A request to this upstream failed: no connection, no headers in time, or a 5xx. */
    public record Failed(int upstream) implements Command {}

    /** The cooldown of an upstream that was taken out is over: probe it. Sent by a timer (or a test). */
    public record ProbeDue(int upstream) implements Command {}

    /** Replies with the current snapshot, after every message sent before it. */
    public record Get(ActorRef<HealthSnapshot> replyTo) implements Command {}

    /** The upstream list was replaced (live configuration): a new actor owns the new list's health. */
    public record Stop() implements Command {}

    private record Probed(int upstream, boolean alive) implements Command {}

    private UpstreamHealth() {}

    /**
     * @param names     upstream names, for the log
     * @param onChange  told every snapshot published (a no-op in production)
     */
    public static Behavior<Command> create(List<String> names, int threshold, Duration cooldown, Prober prober,
            AtomicReference<HealthSnapshot> published, Consumer<HealthSnapshot> onChange) {
        return create(names, threshold, cooldown, prober, published, onChange, HealthSnapshot.allUp(names.size()));
    }

    /**
     * As above, starting from {@code initial} (upstreams kept across a live change keep their state); an upstream
     * that starts out of rotation is probed after one cooldown.
     */
    public static Behavior<Command> create(List<String> names, int threshold, Duration cooldown, Prober prober,
            AtomicReference<HealthSnapshot> published, Consumer<HealthSnapshot> onChange, HealthSnapshot initial) {
        published.set(initial);
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            for (int i = 0; i < initial.states().size(); i++) {
                if (initial.states().get(i).status() != Status.UP) {
                    // A probe that was running belonged to the old actor: this one probes again.
                    published.set(published.get().with(i, new State(Status.OUT, initial.states().get(i).consecutiveFailures())));
                    timers.startSingleTimer(i, new ProbeDue(i), cooldown);
                }
            }
            return new Running(ctx, timers, List.copyOf(names), threshold, cooldown, prober, published, onChange).behavior();
        }));
    }

    private static final class Running {
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        private final List<String> names;
        private final int threshold;
        private final Duration cooldown;
        private final Prober prober;
        private final AtomicReference<HealthSnapshot> published;
        private final Consumer<HealthSnapshot> onChange;

        Running(ActorContext<Command> ctx, TimerScheduler<Command> timers, List<String> names, int threshold, Duration cooldown,
                Prober prober, AtomicReference<HealthSnapshot> published, Consumer<HealthSnapshot> onChange) {
            this.ctx = ctx;
            this.timers = timers;
            this.names = names;
            this.threshold = threshold;
            this.cooldown = cooldown;
            this.prober = prober;
            this.published = published;
            this.onChange = onChange;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Succeeded.class, m -> {
                        State s = state(m.upstream());
                        // A request that got through while the upstream was out (every candidate was out) proves it is back.
                        if (!s.equals(State.HEALTHY)) {
                            if (s.status() != Status.UP) {
                                timers.cancel(m.upstream());
                                LOG.info("upstream {} answered again; back in rotation", names.get(m.upstream()));
                            }
                            update(m.upstream(), State.HEALTHY);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Failed.class, m -> {
                        State s = state(m.upstream());
                        if (s.status() != Status.UP) return Behaviors.same();
                        int failures = s.consecutiveFailures() + 1;
                        if (failures >= threshold) {
                            takeOut(m.upstream(), failures);
                            LOG.warn("upstream {} failed {} times in a row; out of rotation, probed in {} ms",
                                    names.get(m.upstream()), failures, cooldown.toMillis());
                        } else {
                            update(m.upstream(), new State(Status.UP, failures));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(ProbeDue.class, m -> {
                        State s = state(m.upstream());
                        if (s.status() != Status.OUT) return Behaviors.same();
                        update(m.upstream(), new State(Status.PROBING, s.consecutiveFailures()));
                        CompletionStage<Boolean> probe;
                        try {
                            probe = prober.probe(m.upstream());
                        } catch (RuntimeException e) {
                            probe = java.util.concurrent.CompletableFuture.failedFuture(e);
                        }
                        ctx.pipeToSelf(probe, (alive, error) -> new Probed(m.upstream(), error == null && Boolean.TRUE.equals(alive)));
                        return Behaviors.same();
                    })
                    .onMessage(Probed.class, m -> {
                        State s = state(m.upstream());
                        if (s.status() != Status.PROBING) return Behaviors.same();
                        if (m.alive()) {
                            update(m.upstream(), State.HEALTHY);
                            LOG.info("upstream {} answered its probe; back in rotation", names.get(m.upstream()));
                        } else {
                            takeOut(m.upstream(), s.consecutiveFailures());
                            LOG.warn("upstream {} failed its probe; probed again in {} ms", names.get(m.upstream()), cooldown.toMillis());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Get.class, m -> {
                        m.replyTo().tell(published.get());
                        return Behaviors.same();
                    })
                    .onMessage(Stop.class, m -> Behaviors.stopped())
                    .build();
        }

        private void takeOut(int upstream, int failures) {
            update(upstream, new State(Status.OUT, failures));
            timers.startSingleTimer(upstream, new ProbeDue(upstream), cooldown);
        }

        private State state(int upstream) {
            return published.get().states().get(upstream);
        }

        private void update(int upstream, State state) {
            HealthSnapshot next = published.get().with(upstream, state);
            published.set(next);
            onChange.accept(next);
        }
    }
}
