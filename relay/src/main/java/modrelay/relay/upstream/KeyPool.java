package modrelay.relay.upstream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.config.Secret;
import modrelay.relay.upstream.KeySnapshot.KeyState;
import modrelay.relay.upstream.KeySnapshot.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the upstream keys' state: which are active, cooling after a rate limit of the key, or
 * quarantined after the upstream said the key is invalid. A quarantined key is probed in the
 * background with {@link KeyProbe} (back-off between probes, doubling up to {@link Timing#maxBackoff});
 * a valid answer brings it back, so no key is out "until restart". Publishes an immutable
 * {@link KeySnapshot} after every change; requests read that and only tell this actor what happened.
 */
public final class KeyPool {
    private static final Logger LOG = LoggerFactory.getLogger(KeyPool.class);

    /** The longest any key is kept out in one go: a cooldown, or the wait until the next probe. */
    public static final Duration MAX_REST = RetryAfter.MAX;

    /** @param firstProbe wait before a quarantined key's first probe; each inconclusive or invalid answer doubles it */
    public record Timing(Duration firstProbe, Duration maxBackoff) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(30), MAX_REST);
    }

    public sealed interface Command {}

    /** The upstream rate-limited this key: rest until {@code until} (the client caps it at {@link #MAX_REST}). */
    public record RateLimited(int index, Instant until) implements Command {}

    /** The upstream said this key is invalid (401 invalid_api_key): quarantine it and probe it. */
    public record Rejected(int index) implements Command {}

    /** The operator puts a key back into rotation now, whatever its state; answers with the new snapshot. */
    public record Reenable(int index, ActorRef<KeySnapshot> replyTo) implements Command {}

    /** The pool's upstream was removed or its keys replaced (live configuration): the actor ends, its timers with it. */
    public record Stop() implements Command {}

    private record CooldownOver(int index) implements Command {}

    private record ProbeDue(int index, long epoch) implements Command {}

    private record ProbeAnswered(int index, long epoch, KeyProbe.Outcome outcome) implements Command {}

    private KeyPool() {}

    /** Without a probe: a quarantined key stays out until re-enabled (for tests and embedding). */
    public static Behavior<Command> create(List<Secret> keys, AtomicReference<KeySnapshot> published, Clock clock) {
        return create(keys, published, clock, KeyProbe.NONE, Timing.DEFAULT);
    }

    public static Behavior<Command> create(List<Secret> keys, AtomicReference<KeySnapshot> published, Clock clock,
            KeyProbe probe, Timing timing) {
        List<KeyState> initial = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) initial.add(KeyState.active(i, keys.get(i)));
        published.set(new KeySnapshot(List.copyOf(initial)));
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new Running(ctx, timers, published, clock, probe, timing, keys.size()).behavior()));
    }

    private static final class Running {
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        private final AtomicReference<KeySnapshot> published;
        private final Clock clock;
        private final KeyProbe probe;
        private final Timing timing;
        /** Per key: bumped whenever a quarantine starts or ends, so a late probe answer is recognised and ignored. */
        private final long[] epoch;
        private final Duration[] backoff;

        Running(ActorContext<Command> ctx, TimerScheduler<Command> timers, AtomicReference<KeySnapshot> published,
                Clock clock, KeyProbe probe, Timing timing, int size) {
            this.ctx = ctx;
            this.timers = timers;
            this.published = published;
            this.clock = clock;
            this.probe = probe;
            this.timing = timing;
            this.epoch = new long[size];
            this.backoff = new Duration[size];
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(RateLimited.class, this::onRateLimited)
                    .onMessage(Rejected.class, this::onRejected)
                    .onMessage(Reenable.class, this::onReenable)
                    .onMessage(CooldownOver.class, this::onCooldownOver)
                    .onMessage(ProbeDue.class, this::onProbeDue)
                    .onMessage(ProbeAnswered.class, this::onProbeAnswered)
                    .onMessage(Stop.class, m -> Behaviors.stopped())
                    .build();
        }

        private KeyState key(int index) {
            return published.get().keys().get(index);
        }

        private Behavior<Command> onRateLimited(RateLimited m) {
            if (m.index() < 0 || m.index() >= epoch.length) return Behaviors.same();
            KeyState k = key(m.index());
            if (k.status() == Status.QUARANTINED) return Behaviors.same();
            Instant now = clock.instant();
            Instant until = m.until().isAfter(now.plus(MAX_REST)) ? now.plus(MAX_REST) : m.until();
            if (!until.isAfter(now)) return Behaviors.same();
            if (k.status() == Status.COOLING && k.until().isAfter(until)) return Behaviors.same();
            update(new KeyState(k.index(), k.secret(), Status.COOLING, until, "rate limited by the upstream"));
            Duration rest = Duration.between(now, until);
            timers.startSingleTimer(m.index(), new CooldownOver(m.index()), rest);
            LOG.warn("upstream key {} rate limited; cooling down for {} ms", k.alias(), rest.toMillis());
            return Behaviors.same();
        }

        private Behavior<Command> onRejected(Rejected m) {
            if (m.index() < 0 || m.index() >= epoch.length) return Behaviors.same();
            KeyState k = key(m.index());
            if (k.status() == Status.QUARANTINED) return Behaviors.same();
            backoff[m.index()] = timing.firstProbe();
            quarantine(k, "the upstream answered 401 invalid key", ++epoch[m.index()]);
            LOG.error("upstream key {} was rejected by the upstream (401 invalid key); quarantined, probing it in {} s",
                    k.alias(), timing.firstProbe().toSeconds());
            return Behaviors.same();
        }

        private void quarantine(KeyState k, String reason, long currentEpoch) {
            Duration wait = backoff[k.index()];
            update(new KeyState(k.index(), k.secret(), Status.QUARANTINED, clock.instant().plus(wait), reason));
            timers.startSingleTimer(k.index(), new ProbeDue(k.index(), currentEpoch), wait);
        }

        private Behavior<Command> onProbeDue(ProbeDue m) {
            KeyState k = key(m.index());
            if (k.status() != Status.QUARANTINED || m.epoch() != epoch[m.index()]) return Behaviors.same();
            java.util.concurrent.CompletionStage<KeyProbe.Outcome> answer;
            try {
                answer = probe.probe(k.secret());
            } catch (RuntimeException e) {
                answer = java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            ctx.pipeToSelf(answer, (outcome, error) -> new ProbeAnswered(m.index(), m.epoch(), outcome != null ? outcome
                    : new KeyProbe.Outcome(KeyProbe.Verdict.INCONCLUSIVE, "probe failed: " + rootName(error))));
            return Behaviors.same();
        }

        private Behavior<Command> onProbeAnswered(ProbeAnswered m) {
            KeyState k = key(m.index());
            if (k.status() != Status.QUARANTINED || m.epoch() != epoch[m.index()]) return Behaviors.same();
            if (m.outcome().verdict() == KeyProbe.Verdict.VALID) {
                epoch[m.index()]++;
                update(KeyState.active(k.index(), k.secret()));
                LOG.info("upstream key {} is valid again ({}); back in rotation", k.alias(), m.outcome().detail());
                return Behaviors.same();
            }
            Duration doubled = backoff[m.index()].multipliedBy(2);
            backoff[m.index()] = doubled.compareTo(timing.maxBackoff()) > 0 ? timing.maxBackoff() : doubled;
            quarantine(k, m.outcome().detail(), m.epoch());
            LOG.warn("upstream key {} stays quarantined ({}); next probe in {} s", k.alias(), m.outcome().detail(),
                    backoff[m.index()].toSeconds());
            return Behaviors.same();
        }

        private Behavior<Command> onReenable(Reenable m) {
            if (m.index() >= 0 && m.index() < epoch.length) {
                KeyState k = key(m.index());
                timers.cancel(m.index());
                epoch[m.index()]++;
                if (k.status() != Status.ACTIVE) {
                    update(KeyState.active(k.index(), k.secret()));
                    LOG.info("upstream key {} re-enabled by the operator (was {})", k.alias(), k.status().label());
                }
            }
            m.replyTo().tell(published.get());
            return Behaviors.same();
        }

        private Behavior<Command> onCooldownOver(CooldownOver m) {
            KeyState k = key(m.index());
            if (k.status() != Status.COOLING) return Behaviors.same();
            Instant now = clock.instant();
            if (k.until().isAfter(now)) {
                timers.startSingleTimer(m.index(), m, Duration.between(now, k.until()));
                return Behaviors.same();
            }
            update(KeyState.active(k.index(), k.secret()));
            LOG.info("upstream key {} active again", k.alias());
            return Behaviors.same();
        }

        private void update(KeyState changed) {
            List<KeyState> keys = new ArrayList<>(published.get().keys());
            keys.set(changed.index(), changed);
            published.set(new KeySnapshot(List.copyOf(keys)));
        }

        private static String rootName(Throwable e) {
            Throwable t = e;
            while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) t = t.getCause();
            return t == null ? "unknown" : t.getClass().getSimpleName();
        }
    }
}
