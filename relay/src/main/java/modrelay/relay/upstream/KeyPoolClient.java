package modrelay.relay.upstream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.config.Secret;

/** The hot path's handle on the key pool: picks from the published snapshot, tells the actor what happened. */
public final class KeyPoolClient {
    private final AtomicReference<KeySnapshot> snapshot;
    private final ActorRef<KeyPool.Command> pool;
    private final AtomicLong counter = new AtomicLong();
    private final Clock clock;
    private final Duration defaultCooldown;

    public KeyPoolClient(AtomicReference<KeySnapshot> snapshot, ActorRef<KeyPool.Command> pool, Clock clock,
            Duration defaultCooldown) {
        this.snapshot = snapshot;
        this.pool = pool;
        this.clock = clock;
        this.defaultCooldown = defaultCooldown;
    }

    /**
     * Starts a key pool actor for one upstream's keys, probing quarantined keys with {@code probe}.
     *
     * @param actorName unique among the relay's system actors ("key-pool", "key-pool-1", …)
     */
    public static KeyPoolClient start(ActorSystem<?> system, String actorName, List<Secret> keys, KeyProbe probe,
            Duration defaultCooldown) {
        AtomicReference<KeySnapshot> snapshot = new AtomicReference<>();
        ActorRef<KeyPool.Command> pool = system.systemActorOf(
                KeyPool.create(keys, snapshot, Clock.systemUTC(), probe, KeyPool.Timing.DEFAULT), actorName, Props.empty());
        return new KeyPoolClient(snapshot, pool, Clock.systemUTC(), defaultCooldown);
    }

    /** Ends the pool's actor (its upstream is gone); reports still sent to it are dropped. */
    public void stop() {
        pool.tell(new KeyPool.Stop());
    }

    public KeySnapshot.Pick pick(Optional<Integer> avoid) {
        return snapshot.get().pick(counter, clock.instant(), avoid);
    }

    public KeySnapshot snapshot() {
        return snapshot.get();
    }

    /**
     * The upstream rate-limited this key (a limit of the key, not of the request).
     *
     * @param retryAt when the upstream said to retry (Retry-After); KEY_COOLDOWN from now when it did not say.
     *                Capped at {@link KeyPool#MAX_REST} from now: a date far in the future does not shelve the key.
     */
    public void rateLimited(int index, Optional<Instant> retryAt) {
        Instant now = clock.instant();
        Instant until = retryAt.orElse(now.plus(defaultCooldown));
        if (until.isAfter(now.plus(KeyPool.MAX_REST))) until = now.plus(KeyPool.MAX_REST);
        pool.tell(new KeyPool.RateLimited(index, until));
    }

    /** The upstream said this key is invalid: it is quarantined and probed until it is valid again. */
    public void rejected(int index) {
        pool.tell(new KeyPool.Rejected(index));
    }

    /** The operator's re-enable; completes with the snapshot that holds the key active again. */
    public CompletionStage<KeySnapshot> reenable(int index, Scheduler scheduler) {
        return AskPattern.ask(pool, replyTo -> new KeyPool.Reenable(index, replyTo), Duration.ofSeconds(5), scheduler);
    }
}
