package modrelay.relay.upstream;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.config.Secret;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.relay.testing.MutableClock;
import modrelay.relay.upstream.KeySnapshot.KeyState;
import modrelay.relay.upstream.KeySnapshot.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key pool's quarantine, cooldowns and probes. The pool's timers run on Akka's ManualTime (the
 * test moves time); its probe is the relay's real {@link ModelsKeyProbe} against a fake upstream
 * over real HTTP, on an actor system of its own with real time.
 */
class KeyPoolTest {
    private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");

    private static ActorTestKit kit;
    private static ManualTime time;
    private static ActorSystem<Void> http;
    private static HttpServer fake;
    private static ModelsKeyProbe realProbe;
    /** What the fake upstream answers GET /v1/models with, per bearer key (200 when absent). */
    private static final Map<String, Integer> status = new ConcurrentHashMap<>();
    private static final List<String> probed = new CopyOnWriteArrayList<>();

    /** Fresh per test, so a late probe of an earlier test cannot be counted in this one. */
    private String BAD;
    private String GOOD;
    private MutableClock clock;
    private final AtomicInteger probeCalls = new AtomicInteger();

    @BeforeAll
    static void startAll() throws IOException {
        kit = ActorTestKit.create(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load()));
        time = ManualTime.get(kit.system());
        http = ActorSystem.create(Behaviors.empty(), "key-probe-http");
        fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/v1/models", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String key = auth == null ? "" : auth.substring("Bearer ".length());
            probed.add(key);
            int code = status.getOrDefault(key, 200);
            byte[] body = (code == 401
                    ? "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"
                    : code == 200 ? "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\"}]}" : "{\"error\":{\"message\":\"down\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fake.start();
        Settings settings = SettingsLoader.load(Map.of("UPSTREAM_URL", "http://127.0.0.1:" + fake.getAddress().getPort()));
        realProbe = new ModelsKeyProbe(new UpstreamClient(http, settings.upstream()), settings.routing().upstreams().get(0),
                // Generous: on a loaded machine a probe that times out reads as "the upstream cannot say", not as its 401.
                Duration.ofSeconds(30), akka.stream.Materializer.matFromSystem(http));
    }

    @AfterAll
    static void stopAll() {
        kit.shutdownTestKit();
        http.terminate();
        fake.stop(0);
    }

    @BeforeEach
    void fresh() {
        clock = new MutableClock(START);
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        BAD = "sk-bad-" + run + "-aaaaaaaa";
        GOOD = "sk-good-" + run + "-bbbbbbbb";
        status.clear();
        probed.clear();
    }

    private AtomicReference<KeySnapshot> snap;

    private ActorRef<KeyPool.Command> pool(String... keys) {
        snap = new AtomicReference<>();
        KeyProbe counted = key -> {
            probeCalls.incrementAndGet();
            return realProbe.probe(key);
        };
        return kit.spawn(KeyPool.create(java.util.Arrays.stream(keys).map(Secret::of).toList(), snap, clock, counted,
                KeyPool.Timing.DEFAULT));
    }

    private List<String> probedHere() {
        return probed.stream().filter(k -> k.equals(BAD) || k.equals(GOOD)).toList();
    }

    private KeyState key(int i) {
        return snap.get().keys().get(i);
    }

    /** Moves the pool's timers and its clock together. */
    private void pass(Duration d) {
        clock.advance(d);
        time.timePasses(d);
    }

    /** Every message sent to the pool before this has been handled when it returns (the mailbox is FIFO). */
    private void barrier(ActorRef<KeyPool.Command> pool) {
        TestProbe<KeySnapshot> reply = kit.createTestProbe();
        pool.tell(new KeyPool.Reenable(-1, reply.ref()));
        reply.receiveMessage(Duration.ofSeconds(5));
    }

    private void awaitStatus(int i, Status expected) {
        kit.createTestProbe().awaitAssert(Duration.ofSeconds(40), () -> {
            assertEquals(expected, key(i).status());
            return null;
        });
    }

    @Test
    void aRejectedKeyIsQuarantinedProbedAfterThirtySecondsAndBackWhenTheProbeSucceeds() {
        ActorRef<KeyPool.Command> pool = pool(BAD, GOOD);
        status.put(BAD, 401);
        pool.tell(new KeyPool.Rejected(0));
        barrier(pool);
        assertEquals(Status.QUARANTINED, key(0).status());
        assertEquals(START.plusSeconds(30), key(0).until(), "the next probe is due in 30 s");
        assertFalse(key(0).reason().isEmpty());
        assertEquals(Status.ACTIVE, key(1).status(), "only the rejected key is out");

        pass(Duration.ofSeconds(29));
        barrier(pool);
        assertEquals(0, probeCalls.get(), "no probe before its time");

        pass(Duration.ofSeconds(1));
        barrier(pool);
        assertEquals(1, probeCalls.get());
        // The upstream still says 401: the key stays out, and the next probe waits twice as long.
        kit.createTestProbe().awaitAssert(Duration.ofSeconds(40), () -> {
            assertEquals(START.plusSeconds(30 + 60), key(0).until());
            return null;
        });
        assertEquals(Status.QUARANTINED, key(0).status());
        assertEquals(List.of(BAD), probedHere(), "the probe asks with the quarantined key, and only with it");
        assertTrue(key(0).reason().contains("401"), key(0).reason());

        status.put(BAD, 200); // the operator fixed the key upstream
        pass(Duration.ofSeconds(60));
        awaitStatus(0, Status.ACTIVE);
        assertEquals(2, probeCalls.get());
    }

    @Test
    void probesBackOffUpToTenMinutesWhileTheUpstreamCannotSay() {
        ActorRef<KeyPool.Command> pool = pool(BAD);
        status.put(BAD, 503);
        pool.tell(new KeyPool.Rejected(0));
        barrier(pool);
        long[] expectedWaits = {60, 120, 240, 480, 600, 600};
        Duration wait = Duration.ofSeconds(30);
        for (long next : expectedWaits) {
            Instant dueBefore = key(0).until();
            pass(wait);
            kit.createTestProbe().awaitAssert(Duration.ofSeconds(40), () -> {
                assertNotEquals(dueBefore, key(0).until());
                return null;
            });
            assertEquals(Status.QUARANTINED, key(0).status(), "a 503 does not bring a key back");
            assertEquals(Duration.ofSeconds(next), Duration.between(clock.instant(), key(0).until()));
            wait = Duration.ofSeconds(next);
        }
        assertTrue(key(0).reason().contains("503"), key(0).reason());
    }

    @Test
    void theOperatorReenablesAQuarantinedKeyAndALateProbeAnswerDoesNotUndoIt() {
        ActorRef<KeyPool.Command> pool = pool(BAD);
        status.put(BAD, 401);
        pool.tell(new KeyPool.Rejected(0));
        barrier(pool);
        pass(Duration.ofSeconds(30)); // a probe is on its way (it will say 401)
        TestProbe<KeySnapshot> reply = kit.createTestProbe();
        pool.tell(new KeyPool.Reenable(0, reply.ref()));
        assertEquals(Status.ACTIVE, reply.receiveMessage(Duration.ofSeconds(5)).keys().get(0).status());
        kit.createTestProbe().awaitAssert(Duration.ofSeconds(40), () -> {
            assertEquals(List.of(BAD), probedHere());
            return null;
        });
        // Whatever the old probe answered is for an old quarantine: after it has surely arrived the key is still active.
        pass(Duration.ofMinutes(20));
        barrier(pool);
        assertEquals(Status.ACTIVE, key(0).status());
        assertEquals(1, probeCalls.get(), "no more probes for a re-enabled key");
    }

    @Test
    void aCooldownFarInTheFutureIsCappedAtTenMinutes() {
        ActorRef<KeyPool.Command> pool = pool(GOOD);
        KeyPoolClient client = new KeyPoolClient(snap, pool, clock, Duration.ofSeconds(30));
        client.rateLimited(0, RetryAfter.until("Fri, 01 Jan 2100 00:00:00 GMT", clock.instant()));
        barrier(pool);
        assertEquals(Status.COOLING, key(0).status());
        assertEquals(START.plus(Duration.ofMinutes(10)), key(0).until());
        // Even when the caller passes an uncapped instant, the pool caps it.
        pool.tell(new KeyPool.RateLimited(0, START.plus(Duration.ofDays(400))));
        barrier(pool);
        assertEquals(START.plus(Duration.ofMinutes(10)), key(0).until());
        pass(Duration.ofMinutes(10));
        awaitStatus(0, Status.ACTIVE);
    }

    @Test
    void withoutRetryAfterAKeyCoolsForTheConfiguredCooldown() {
        ActorRef<KeyPool.Command> pool = pool(GOOD, BAD);
        KeyPoolClient client = new KeyPoolClient(snap, pool, clock, Duration.ofSeconds(30));
        client.rateLimited(1, java.util.Optional.empty());
        barrier(pool);
        assertEquals(START.plusSeconds(30), key(1).until());
        assertInstanceOf(KeySnapshot.Pick.Key.class, client.pick(java.util.Optional.empty()));
        assertEquals(0, ((KeySnapshot.Pick.Key) client.pick(java.util.Optional.empty())).key().index(),
                "the cooling key is skipped");
        pass(Duration.ofSeconds(30));
        awaitStatus(1, Status.ACTIVE);
    }

    @Test
    void aQuarantinedKeyIsNotBroughtBackByACooldownEnding() {
        ActorRef<KeyPool.Command> pool = pool(BAD);
        status.put(BAD, 401);
        pool.tell(new KeyPool.RateLimited(0, START.plusSeconds(1)));
        pool.tell(new KeyPool.Rejected(0));
        pool.tell(new KeyPool.RateLimited(0, START.plusSeconds(2)));
        barrier(pool);
        assertEquals(Status.QUARANTINED, key(0).status());
        pass(Duration.ofSeconds(5));
        barrier(pool);
        assertEquals(Status.QUARANTINED, key(0).status());
    }
}
