package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
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
 * Cooldown and probe driven by messages: the cooldown is an hour, so its timer never fires here;
 * the test sends {@link UpstreamHealth.ProbeDue} itself and decides the probe's outcome.
 */
class UpstreamHealthTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

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
        return KIT.spawn(UpstreamHealth.create(List.of("a", "b"), 3, Duration.ofHours(1), prober, snapshot, published::add));
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

    @Test
    void threeFailuresInARowTakeAnUpstreamOutUntilItsProbeAnswers() throws Exception {
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

        health.tell(new UpstreamHealth.ProbeDue(0));
        Probe probe = probes.poll(5, TimeUnit.SECONDS);
        assertNotNull(probe);
        assertEquals(0, probe.upstream());
        assertEquals(Status.PROBING, nextPublished().states().get(0).status());
        assertFalse(snapshot.get().up(0), "no traffic while probing");

        probe.result().complete(true);
        HealthSnapshot back = nextPublished();
        assertTrue(back.up(0));
        assertTrue(back.clean(0), "its failures are forgotten");
    }

    @Test
    void aFailedProbeKeepsItOutForAnotherCooldown() throws Exception {
        ActorRef<UpstreamHealth.Command> health = start();
        for (int i = 0; i < 3; i++) health.tell(new UpstreamHealth.Failed(1));
        assertFalse(current(health).up(1));
        published.clear();
        health.tell(new UpstreamHealth.ProbeDue(1));
        Probe first = probes.poll(5, TimeUnit.SECONDS);
        assertNotNull(first);
        nextPublished(); // probing
        first.result().completeExceptionally(new java.net.ConnectException("refused"));
        assertEquals(Status.OUT, nextPublished().states().get(1).status());
        // Probed again when the next cooldown is over, and only then back.
        health.tell(new UpstreamHealth.ProbeDue(1));
        Probe second = probes.poll(5, TimeUnit.SECONDS);
        assertNotNull(second);
        nextPublished();
        second.result().complete(false);
        assertEquals(Status.OUT, nextPublished().states().get(1).status());
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
        // A probe that is not due (the upstream is up) starts nothing.
        health.tell(new UpstreamHealth.ProbeDue(0));
        assertTrue(current(health).up(0));
        assertTrue(probes.isEmpty());
    }

    @Test
    void aRequestThatGetsThroughWhileItIsOutBringsItBack() {
        ActorRef<UpstreamHealth.Command> health = start();
        for (int i = 0; i < 3; i++) health.tell(new UpstreamHealth.Failed(0));
        assertFalse(current(health).up(0));
        health.tell(new UpstreamHealth.Succeeded(0));
        assertTrue(current(health).clean(0));
    }
}
