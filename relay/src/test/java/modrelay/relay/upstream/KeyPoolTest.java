package modrelay.relay.upstream;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.config.Secret;
import modrelay.relay.upstream.KeySnapshot.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class KeyPoolTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static Status statusOf(AtomicReference<KeySnapshot> snap, int i) {
        return snap.get().keys().get(i).status();
    }

    @Test
    void rateLimitedKeyCoolsDownAndComesBackAfterRetryAfter() {
        AtomicReference<KeySnapshot> snap = new AtomicReference<>();
        ActorRef<KeyPool.Command> pool = KIT.spawn(KeyPool.create(
                List.of(Secret.of("sk-aaaaaaaaaaaaaaaa"), Secret.of("sk-bbbbbbbbbbbbbbbb")), snap, Clock.systemUTC()));
        pool.tell(new KeyPool.RateLimited(0, Duration.ofMillis(300)));
        // Await the published change (the actor is asynchronous), then its end, without sleeping.
        KIT.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(Status.COOLING, statusOf(snap, 0));
            return null;
        });
        assertEquals(Status.ACTIVE, statusOf(snap, 1));
        KIT.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
            assertEquals(Status.ACTIVE, statusOf(snap, 0));
            return null;
        });
    }

    @Test
    void rejectedKeyStaysOutEvenIfALaterCooldownEnds() {
        AtomicReference<KeySnapshot> snap = new AtomicReference<>();
        ActorRef<KeyPool.Command> pool = KIT.spawn(KeyPool.create(List.of(Secret.of("sk-cccccccccccccccc")), snap, Clock.systemUTC()));
        pool.tell(new KeyPool.RateLimited(0, Duration.ofMillis(100)));
        pool.tell(new KeyPool.Rejected(0));
        pool.tell(new KeyPool.RateLimited(0, Duration.ofMillis(100)));
        KIT.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(Status.DISABLED, statusOf(snap, 0));
            return null;
        });
        // A message sent after the timers would have fired is processed after them: the key is still out.
        var probe = KIT.<KeyPool.Command>createTestProbe();
        KIT.system().scheduler().scheduleOnce(Duration.ofMillis(300), () -> probe.ref().tell(new KeyPool.Rejected(0)),
                KIT.system().executionContext());
        probe.expectMessageClass(KeyPool.Rejected.class, Duration.ofSeconds(3));
        assertEquals(Status.DISABLED, statusOf(snap, 0));
    }
}
