package modrelay.relay.upstream;

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
 * Owns the upstream keys' state: which are active, cooling after a 429 (honouring Retry-After) or
 * disabled after a 401. Publishes an immutable {@link KeySnapshot} after every change; requests read
 * that and only tell this actor what the upstream answered.
 */
public final class KeyPool {
    private static final Logger LOG = LoggerFactory.getLogger(KeyPool.class);

    public sealed interface Command {}

    /** The upstream answered 429 for this key. */
    public record RateLimited(int index, Duration retryAfter) implements Command {}

    /** The upstream answered 401 for this key: it is revoked or wrong. */
    public record Rejected(int index) implements Command {}

    private record CooldownOver(int index) implements Command {}

    private KeyPool() {}

    public static Behavior<Command> create(List<Secret> keys, AtomicReference<KeySnapshot> published, Clock clock) {
        List<KeyState> initial = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) initial.add(new KeyState(i, keys.get(i), Status.ACTIVE, Instant.EPOCH));
        published.set(new KeySnapshot(List.copyOf(initial)));
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Running(ctx, timers, published, clock).behavior()));
    }

    private static final class Running {
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        private final AtomicReference<KeySnapshot> published;
        private final Clock clock;

        Running(ActorContext<Command> ctx, TimerScheduler<Command> timers, AtomicReference<KeySnapshot> published,
                Clock clock) {
            this.ctx = ctx;
            this.timers = timers;
            this.published = published;
            this.clock = clock;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(RateLimited.class, this::onRateLimited)
                    .onMessage(Rejected.class, this::onRejected)
                    .onMessage(CooldownOver.class, this::onCooldownOver)
                    .build();
        }

        private Behavior<Command> onRateLimited(RateLimited m) {
            KeyState k = published.get().keys().get(m.index());
            if (k.status() == Status.DISABLED) return Behaviors.same();
            Instant until = clock.instant().plus(m.retryAfter());
            if (k.status() == Status.COOLING && k.coolingUntil().isAfter(until)) return Behaviors.same();
            update(new KeyState(k.index(), k.secret(), Status.COOLING, until));
            timers.startSingleTimer(m.index(), new CooldownOver(m.index()), m.retryAfter());
            LOG.warn("upstream key {} rate limited; cooling down for {} ms", k.alias(), m.retryAfter().toMillis());
            return Behaviors.same();
        }

        private Behavior<Command> onRejected(Rejected m) {
            KeyState k = published.get().keys().get(m.index());
            if (k.status() == Status.DISABLED) return Behaviors.same();
            timers.cancel(m.index());
            update(new KeyState(k.index(), k.secret(), Status.DISABLED, Instant.EPOCH));
            LOG.error("upstream key {} was rejected by the upstream (401); taken out of the pool until restart", k.alias());
            return Behaviors.same();
        }

        private Behavior<Command> onCooldownOver(CooldownOver m) {
            KeyState k = published.get().keys().get(m.index());
            if (k.status() != Status.COOLING) return Behaviors.same();
            if (k.coolingUntil().isAfter(clock.instant())) {
                timers.startSingleTimer(m.index(), m, Duration.between(clock.instant(), k.coolingUntil()));
                return Behaviors.same();
            }
            update(new KeyState(k.index(), k.secret(), Status.ACTIVE, Instant.EPOCH));
            LOG.info("upstream key {} active again", k.alias());
            return Behaviors.same();
        }

        private void update(KeyState changed) {
            List<KeyState> keys = new ArrayList<>(published.get().keys());
            keys.set(changed.index(), changed);
            published.set(new KeySnapshot(List.copyOf(keys)));
        }
    }
}
