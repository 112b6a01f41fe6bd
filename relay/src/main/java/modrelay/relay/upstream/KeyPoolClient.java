package modrelay.relay.upstream;

import akka.actor.typed.ActorRef;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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

    public KeySnapshot.Pick pick(Optional<Integer> avoid) {
        return snapshot.get().pick(counter, clock.instant(), avoid);
    }

    public KeySnapshot snapshot() {
        return snapshot.get();
    }

    public void rateLimited(int index, Optional<Duration> retryAfter) {
        pool.tell(new KeyPool.RateLimited(index, retryAfter.orElse(defaultCooldown)));
    }

    public void rejected(int index) {
        pool.tell(new KeyPool.Rejected(index));
    }
}
