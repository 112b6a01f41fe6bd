package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.config.AccessSettings;
import modrelay.config.StoreSettings;
import modrelay.relay.access.store.SubKeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modrelay.relay.testing.MutableClock;

/** The actor that owns sub-keys and rate limits, on a real SQLite store and a clock the test moves. */
class SubKeyRegistryTest {
    static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    Path dir;
    SubKeyStore store;
    AtomicReference<AccessSnapshot> snapshot;
    MutableClock clock;
    AtomicReference<AccessSettings> config;
    ActorRef<SubKeyRegistry.Command> registry;
    SubKeys subKeys;

    @BeforeEach
    void start() {
        StoreSettings s = TestDatabases.sqlite(dir);
        store = SubKeyStore.open(s);
        snapshot = new AtomicReference<>(new AccessSnapshot(IpRules.none(), Map.of()));
        clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        config = new AtomicReference<>(new AccessSettings(List.of()));
        registry = KIT.spawn(SubKeyRegistry.create(store, snapshot, config::get, clock, Duration.ZERO));
        subKeys = new SubKeys(snapshot, registry, store, clock, KIT.system().scheduler());
    }

    @AfterEach
    void stop() {
        KIT.stop(registry);
        store.close();
    }

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    SubKey newKey(String secret, Optional<Integer> rpm, Optional<Instant> expires) {
        return new SubKey(SubKeySecrets.newId(), "t", SubKeySecrets.hash(secret), SubKeySecrets.hint(secret), clock.instant(),
                expires, Optional.empty(), Optional.empty(), 0, Optional.empty(), rpm, ModelRules.ANY, Optional.empty());
    }

    <T> T join(java.util.concurrent.CompletionStage<T> s) {
        return s.toCompletableFuture().join();
    }

    @Test
    void aCreatedKeyIsFoundByItsSecretAndRevokingPublishesAtOnce() {
        String secret = SubKeySecrets.newSecret();
        SubKey k = newKey(secret, Optional.empty(), Optional.empty());
        assertInstanceOf(AdminResult.Ok.class, join(subKeys.create(k)));
        assertEquals(Optional.of(k), subKeys.find(secret));
        assertEquals(Optional.empty(), subKeys.find(SubKeySecrets.newSecret()));
        // one character off (not always "x": a random secret can end in "x")
        String last = secret.substring(secret.length() - 1);
        assertEquals(Optional.empty(), subKeys.find(secret.substring(0, secret.length() - 1) + (last.equals("x") ? "y" : "x")));

        ProxyKeyGuard guard = new ProxyKeyGuard(new AccessSettings(List.of()), Optional.of(subKeys));
        assertTrue(guard.requiresKey(), "a relay with sub-keys is never open");
        assertInstanceOf(Admission.Sub.class, guard.admission(Optional.of(secret)));
        join(subKeys.revoke(k.id()));
        Admission after = guard.admission(Optional.of(secret));
        assertEquals("subkey_revoked", ((Admission.Refused) after).error().code());
        assertInstanceOf(AdminResult.NotFound.class, join(subKeys.revoke("key_unknown")));
    }

    @Test
    void expiryIsReadFromTheClock() {
        String secret = SubKeySecrets.newSecret();
        join(subKeys.create(newKey(secret, Optional.empty(), Optional.of(clock.instant().plusSeconds(60)))));
        ProxyKeyGuard guard = new ProxyKeyGuard(new AccessSettings(List.of()), Optional.of(subKeys));
        assertInstanceOf(Admission.Sub.class, guard.admission(Optional.of(secret)));
        clock.advance(Duration.ofSeconds(59));
        assertInstanceOf(Admission.Sub.class, guard.admission(Optional.of(secret)));
        clock.advance(Duration.ofSeconds(1));
        assertEquals("subkey_expired", ((Admission.Refused) guard.admission(Optional.of(secret))).error().code());
    }

    @Test
    void requestsPerMinuteAreCountedByTheActorOnTheClock() {
        SubKey k = newKey(SubKeySecrets.newSecret(), Optional.of(6), Optional.empty());
        join(subKeys.create(k));
        for (int i = 0; i < 6; i++) assertInstanceOf(Consumption.Granted.class, join(subKeys.consume(k)));
        Consumption limited = join(subKeys.consume(k));
        assertEquals(new Consumption.RateLimited(Duration.ofSeconds(10)), limited);
        clock.advance(Duration.ofSeconds(10));
        assertInstanceOf(Consumption.Granted.class, join(subKeys.consume(k)));
        assertEquals(7, join(subKeys.get(k.id())).orElseThrow().used(), "rate-limited requests use no quota");
    }

    @Test
    void reloadReadsKeysAnotherInstanceWroteAndNewIpRules() throws Exception {
        SubKey elsewhere = newKey(SubKeySecrets.newSecret(), Optional.empty(), Optional.empty());
        store.insertNow(elsewhere);
        assertTrue(snapshot.get().keysByHash().isEmpty());
        config.set(new AccessSettings(List.of(), List.of("10.0.0.0/8"), List.of(), List.of(), Optional.empty(),
                StoreSettings.defaults()));
        AdminResult<ReloadReport> r = join(subKeys.reload());
        assertEquals(new AdminResult.Ok<>(new ReloadReport(1, 0, 0, 1)), r);
        assertEquals(elsewhere, snapshot.get().keysByHash().get(elsewhere.secretHash()));
        assertEquals(IpRules.Verdict.NOT_WHITELISTED, snapshot.get().ipRules().check("192.0.2.1"));
    }

    @Test
    void changesRunOneAtATimeSoAReloadNeverDropsAKeyCreatedMeanwhile() {
        TestProbe<AdminResult<SubKey>> created = KIT.createTestProbe();
        TestProbe<AdminResult<ReloadReport>> reloaded = KIT.createTestProbe();
        SubKey k = newKey(SubKeySecrets.newSecret(), Optional.empty(), Optional.empty());
        registry.tell(new SubKeyRegistry.Reload(reloaded.ref()));
        registry.tell(new SubKeyRegistry.Create(k, created.ref()));
        registry.tell(new SubKeyRegistry.Reload(reloaded.ref()));
        reloaded.expectMessageClass(AdminResult.Ok.class);
        created.expectMessageClass(AdminResult.Ok.class);
        reloaded.expectMessageClass(AdminResult.Ok.class);
        assertTrue(snapshot.get().keysByHash().containsKey(k.secretHash()));
    }
}
