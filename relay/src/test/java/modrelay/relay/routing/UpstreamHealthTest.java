package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.relay.routing.HealthSnapshot.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Cooldown and probe on Akka's manual time: the test moves the clock past the cooldown and decides each
 * probe's outcome; no wall-clock timer runs.
 */
class UpstreamHealthTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ManualTime.config());
    private static final ManualTime TIME = ManualTime.get(KIT.system());
    private static final Duration COOLDOWN = Duration.ofSeconds(30);
    private static final Duration TICK = Duration.ofMillis(1);

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /** The probes the actor started, in order; the test completes them. */
    private final BlockingQueue<Probe> probes = new LinkedBlockingQueue<>();
    private final BlockingQueue<HealthSnapshot> published = new LinkedBlockingQueue<>();
    private final AtomicReference<HealthSnapshot> snapshot = new AtomicReference<>();

    private record Probe(int upstream, CompletableFuture<Boolean> result) {}

    private ActorRef<UpstreamHealth.Command> start() {
        UpstreamHealth.Prober prober = u -> {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            probes.add(new Probe(u, f));
            return f;
        };
        return KIT.spawn(UpstreamHealth.create(List.of("a", "b"), 3, COOLDOWN, prober, snapshot, published::add));
    }

    private HealthSnapshot current(ActorRef<UpstreamHealth.Command> health) {
        TestProbe<HealthSnapshot> reply = KIT.createTestProbe();
        health.tell(new UpstreamHealth.Get(reply.ref()));
        return reply.receiveMessage();
    }

    private HealthSnapshot nextPublished() throws InterruptedException {
        HealthSnapshot s = published.poll(5, TimeUnit.SECONDS);
        assertNotNull(s, "no snapshot published");
        return s;
    }

    private Probe nextProbe() throws InterruptedException {
        Probe p = probes.poll(5, TimeUnit.SECONDS);
        assertNotNull(p, "no probe started");
        return p;
    }

    /** Lets the cooldown all but pass: no probe yet; then the last millisecond: the probe. */
    private Probe probeAfterCooldown(ActorRef<UpstreamHealth.Command> health) throws InterruptedException {
        TIME.timePasses(COOLDOWN.minus(TICK));
        current(health); // every message the timers sent so far has been handled
        assertTrue(probes.isEmpty(), "probed before its cooldown was over");
        TIME.timePasses(TICK);
        return nextProbe();
    }

    @Test
    void threeFailuresInARowTakeAnUpstreamOutUntilItsProbeAnswersAfterTheCooldown() throws Exception {
        ActorRef<UpstreamHealth.Command> health = start();
        health.tell(new UpstreamHealth.Failed(0));
        health.tell(new UpstreamHealth.Failed(0));
        assertTrue(current(health).up(0), "two failures are not enough");
        health.tell(new UpstreamHealth.Failed(0));
        HealthSnapshot out = current(health);
        assertEquals(Status.OUT, out.states().get(0).status());
        assertTrue(out.up(1), "the other upstream is untouched");
        assertSame(out, snapshot.get(), "what the hot path reads");
        published.clear();

        Probe probe = probeAfterCooldown(health);
        assertEquals(0, probe.upstream());
        assertEquals(Status.PROBING, nextPublished().states().get(0).status());
        assertFalse(snapshot.get().up(0), "no traffic while probing");

        probe.result().complete(true);
        HealthSnapshot back = nextPublished();
        assertTrue(back.up(0));
        assertTrue(back.clean(0), "its failures are forgotten");
        TIME.timePasses(COOLDOWN.multipliedBy(3));
        current(health);
        assertTrue(probes.isEmpty(), "an upstream back in rotation is not probed again");
    }

    @Test
    void aFailedProbeKeepsItOutForAnotherCooldown() throws Exception {
        ActorRef<UpstreamHealth.Command> health = start();
        for (int i = 0; i < 3; i++) health.tell(new UpstreamHealth.Failed(1));
        assertFalse(current(health).up(1));
        published.clear();
        Probe first = probeAfterCooldown(health);
        assertEquals(1, first.upstream());
        nextPublished(); // probing
        first.result().completeExceptionally(new java.net.ConnectException("refused"));
        assertEquals(Status.OUT, nextPublished().states().get(1).status());
        // Probed again when the next cooldown is over, and only then back.
        Probe second = probeAfterCooldown(health);
        nextPublished();
        second.result().complete(false);
        assertEquals(Status.OUT, nextPublished().states().get(1).status(), "an answer of 500 or more is no answer");
        Probe third = probeAfterCooldown(health);
        nextPublished();
        third.result().complete(true);
        assertTrue(nextPublished().up(1));
    }

    @Test
    void aSuccessResetsTheCountSoOnlyFailuresInARowCount() {
        ActorRef<UpstreamHealth.Command> health = start();
        health.tell(new UpstreamHealth.Failed(0));
        health.tell(new UpstreamHealth.Failed(0));
        health.tell(new UpstreamHealth.Succeeded(0));
        health.tell(new UpstreamHealth.Failed(0));
        health.tell(new UpstreamHealth.Failed(0));
        HealthSnapshot s = current(health);
        assertTrue(s.up(0));
        assertEquals(2, s.states().get(0).consecutiveFailures());
        // No cooldown runs for an upstream that is up.
        TIME.timePasses(COOLDOWN.multipliedBy(2));
        assertTrue(current(health).up(0));
        assertTrue(probes.isEmpty());
    }

    @Test
    void aRequestThatGetsThroughWhileItIsOutBringsItBackAndCancelsItsProbe() {
        ActorRef<UpstreamHealth.Command> health = start();
        for (int i = 0; i < 3; i++) health.tell(new UpstreamHealth.Failed(0));
        assertFalse(current(health).up(0));
        health.tell(new UpstreamHealth.Succeeded(0));
        assertTrue(current(health).clean(0));
        TIME.timePasses(COOLDOWN.multipliedBy(2));
        current(health);
        assertTrue(probes.isEmpty(), "the probe timer was cancelled");
    }
}
