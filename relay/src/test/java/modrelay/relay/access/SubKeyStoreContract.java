package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import modrelay.config.StoreSettings;
import modrelay.moderation.ModerationLevel;
import modrelay.relay.access.store.SubKeyStore;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the sub-key store promises, run against SQLite and against PostgreSQL. */
abstract class SubKeyStoreContract {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final List<SubKeyStore> opened = new ArrayList<>();

    abstract StoreSettings settings();

    SubKeyStore open(StoreSettings s) {
        SubKeyStore store = SubKeyStore.open(s);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(SubKeyStore::close);
    }

    static SubKey key(String id, Optional<Long> remaining) {
        String secret = SubKeySecrets.newSecret();
        return new SubKey(id, "customer " + id, SubKeySecrets.hash(secret), SubKeySecrets.hint(secret), T0,
                Optional.of(T0.plusSeconds(3600)), Optional.empty(), remaining, 0, Optional.empty(), Optional.of(60),
                new ModelRules(List.of("gpt-4o*"), List.of("gpt-4o-audio*")), Optional.of(ModerationLevel.HIGH));
    }

    @Test
    void keysRoundTripWithEveryField() throws Exception {
        SubKeyStore store = open(settings());
        SubKey k = key("key_a", Optional.of(10L));
        store.insertNow(k);
        assertEquals(Optional.of(k), store.byIdNow("key_a"));
        assertEquals(List.of(k), store.allNow());
        assertEquals(Optional.empty(), store.byIdNow("key_missing"));
    }

    @Test
    void migrationsRunOnceAndReopeningKeepsTheKeys() throws Exception {
        StoreSettings s = settings();
        open(s).insertNow(key("key_b", Optional.empty()));
        SubKeyStore again = open(s);
        assertEquals(1, again.allNow().size());
    }

    @Test
    void spendingStopsAtZeroAndFailedRequestsAreGivenBack() throws Exception {
        SubKeyStore store = open(settings());
        store.insertNow(key("key_c", Optional.of(2L)));
        assertInstanceOf(Consumption.Granted.class, store.consumeNow("key_c", T0));
        assertInstanceOf(Consumption.Granted.class, store.consumeNow("key_c", T0.plusSeconds(5)));
        assertInstanceOf(Consumption.Exhausted.class, store.consumeNow("key_c", T0));
        store.refundNow("key_c");
        SubKey after = store.byIdNow("key_c").orElseThrow();
        assertEquals(Optional.of(1L), after.remaining());
        assertEquals(1, after.used());
        assertEquals(Optional.of(T0.plusSeconds(5)), after.lastUsedAt());
        assertInstanceOf(Consumption.Granted.class, store.consumeNow("key_c", T0));
    }

    @Test
    void keysWithoutALimitOnlyCount() throws Exception {
        SubKeyStore store = open(settings());
        store.insertNow(key("key_d", Optional.empty()));
        for (int i = 0; i < 5; i++) assertInstanceOf(Consumption.Granted.class, store.consumeNow("key_d", T0));
        assertEquals(5, store.byIdNow("key_d").orElseThrow().used());
        assertEquals(Optional.empty(), store.byIdNow("key_d").orElseThrow().remaining());
    }

    @Test
    void theDatabaseSaysWhyAKeyCannotBeUsed() throws Exception {
        SubKeyStore store = open(settings());
        store.insertNow(key("key_e", Optional.of(5L)));
        assertInstanceOf(Consumption.Expired.class, store.consumeNow("key_e", T0.plusSeconds(3600)));
        store.revokeNow("key_e", T0.plusSeconds(1));
        assertInstanceOf(Consumption.Revoked.class, store.consumeNow("key_e", T0));
        assertInstanceOf(Consumption.Missing.class, store.consumeNow("key_nope", T0));
        // A second revoke keeps the first time.
        assertEquals(Optional.of(T0.plusSeconds(1)), store.revokeNow("key_e", T0.plusSeconds(9)).orElseThrow().revokedAt());
        assertEquals(Optional.of(5L), store.byIdNow("key_e").orElseThrow().remaining());
    }

    @Test
    void aPatchWritesOnlyTheFieldsItNames() throws Exception {
        SubKeyStore store = open(settings());
        store.insertNow(key("key_f", Optional.of(3L)));
        store.consumeNow("key_f", T0);
        SubKey patched = store.updateNow("key_f", new SubKeyPatch(Optional.of("renamed"), Optional.of(Optional.empty()),
                Optional.empty(), Optional.of(Optional.empty()), Optional.of(List.of("gpt-4o-mini")), Optional.empty(),
                Optional.of(Optional.of(ModerationLevel.LOW)))).orElseThrow();
        assertEquals("renamed", patched.name());
        assertEquals(Optional.empty(), patched.expiresAt());
        assertEquals(Optional.of(2L), patched.remaining(), "a patch without remaining_requests leaves the count alone");
        assertEquals(Optional.empty(), patched.rpm());
        assertEquals(List.of("gpt-4o-mini"), patched.models().allowed());
        assertEquals(List.of("gpt-4o-audio*"), patched.models().denied());
        assertEquals(Optional.of(ModerationLevel.LOW), patched.floor());
        SubKey unlimited = store.updateNow("key_f", new SubKeyPatch(Optional.empty(), Optional.empty(),
                Optional.of(Optional.empty()), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
                .orElseThrow();
        assertEquals(Optional.empty(), unlimited.remaining());
        assertEquals(Optional.empty(), store.updateNow("key_missing", SubKeyPatch.none()));
    }

    @Test
    void endpointAllowlistsRoundTripAndArePatchedAlone() throws Exception {
        SubKeyStore store = open(settings());
        SubKey k = key("key_h", Optional.of(7L));
        SubKey granted = new SubKey(k.id(), k.name(), k.secretHash(), k.hint(), k.createdAt(), k.expiresAt(), k.revokedAt(),
                k.remaining(), k.used(), k.lastUsedAt(), k.rpm(), k.models(), k.floor(),
                EndpointRules.parse(List.of("chat", "files.create", "batches")));
        store.insertNow(granted);
        assertEquals(Optional.of(granted), store.byIdNow("key_h"));
        SubKey everything = store.updateNow("key_h", new SubKeyPatch(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(EndpointRules.parse(List.of("*"))))).orElseThrow();
        assertEquals(List.of("*"), everything.endpoints().granted());
        assertEquals(k.models(), everything.models(), "a patch of endpoints leaves the rest alone");
        assertEquals(Optional.of(7L), everything.remaining());
        SubKey renamed = store.updateNow("key_h", new SubKeyPatch(Optional.of("renamed"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())).orElseThrow();
        assertEquals(List.of("*"), renamed.endpoints().granted(), "a patch without endpoints leaves them alone");
    }

    /** A database written before allowlists existed (schema version 1): its keys get the default groups, nothing more. */
    @Test
    void keysFromBeforeAllowlistsGetTheDefaults() throws Exception {
        StoreSettings s = settings();
        String url;
        String user = null;
        String password = null;
        if (s.databaseUrl().isPresent()) {
            url = s.databaseUrl().get().jdbcUrl();
            user = s.databaseUrl().get().user().orElse(null);
            password = s.databaseUrl().get().password().map(p -> p.reveal()).orElse(null);
        } else {
            java.nio.file.Files.createDirectories(s.dataDir());
            url = "jdbc:sqlite:" + s.sqliteFile().toAbsolutePath();
        }
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("1").load().migrate();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, user, password);
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO subkeys (id, name, secret_sha256, secret_hint, created_at, allowed_models, "
                    + "denied_models) VALUES ('key_old', 'old', '" + "a".repeat(64) + "', 'mr-...abcd', 0, '[]', '[]')");
        }
        SubKey old = open(s).byIdNow("key_old").orElseThrow();
        assertEquals(EndpointRules.DEFAULT, old.endpoints());
        assertEquals(List.of("chat", "completions", "responses", "embeddings", "models", "audio"), old.endpoints().granted());
    }

    /** Many threads (and, on PostgreSQL, many connections) race for the last requests: none is spent twice. */
    @Test
    void concurrentSpendingNeverGoesBelowZero() throws Exception {
        StoreSettings s = settings();
        SubKeyStore a = open(s);
        SubKeyStore b = open(s);
        a.insertNow(key("key_g", Optional.of(25L)));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Consumption>> calls = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                SubKeyStore store = i % 2 == 0 ? a : b;
                calls.add(() -> store.consume("key_g", T0).toCompletableFuture().get());
            }
            int granted = 0;
            int exhausted = 0;
            for (Future<Consumption> f : pool.invokeAll(calls)) {
                Consumption c = f.get();
                if (c instanceof Consumption.Granted) granted++;
                else if (c instanceof Consumption.Exhausted) exhausted++;
                else fail("unexpected " + c);
            }
            assertEquals(25, granted);
            assertEquals(55, exhausted);
            SubKey k = a.byIdNow("key_g").orElseThrow();
            assertEquals(Optional.of(0L), k.remaining());
            assertEquals(25, k.used());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bindingsRoundTripAndAPatchOfOnePartKeepsTheOthers() throws Exception {
        SubKeyStore store = open(settings());
        SubKey plain = key("key_bind", Optional.empty());
        SubKey k = new SubKey(plain.id(), plain.name(), plain.secretHash(), plain.hint(), plain.createdAt(), plain.expiresAt(),
                plain.revokedAt(), plain.remaining(), plain.used(), plain.lastUsedAt(), plain.rpm(), plain.models(), plain.floor(),
                plain.endpoints(), modrelay.relay.access.SubKeyBudgets.NONE, new modrelay.relay.access.SubKeyBinding(Optional.of("beta"),
                        Optional.of("gpt-4o-mini"), java.util.Map.of("temperature", "0.2"), java.util.Map.of("max_tokens", java.math.BigDecimal.valueOf(64))));
        store.insertNow(k);
        assertEquals(k.binding().upstream(), store.byIdNow("key_bind").orElseThrow().binding().upstream());
        assertEquals(k.binding().defaults(), store.byIdNow("key_bind").orElseThrow().binding().defaults());
        assertEquals(Optional.of("gpt-4o-mini"), store.byIdNow("key_bind").orElseThrow().binding().model());
        modrelay.relay.access.SubKeyPatch onlyCaps = new modrelay.relay.access.SubKeyPatch(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                modrelay.relay.access.SubKeyBudgets.Patch.NONE, new modrelay.relay.access.SubKeyBinding.Patch(Optional.empty(), Optional.empty(),
                        Optional.of(java.util.Map.of("max_tokens", java.math.BigDecimal.valueOf(32)))));
        modrelay.relay.access.SubKeyBinding after = store.updateNow("key_bind", onlyCaps).orElseThrow().binding();
        assertEquals(Optional.of("beta"), after.upstream());
        assertEquals(java.util.Map.of("temperature", "0.2"), after.defaults());
        assertEquals(32, after.caps().get("max_tokens").intValue());
        assertEquals(Optional.of("gpt-4o-mini"), after.model(), "a patch of the caps keeps the model pin");
        modrelay.relay.access.SubKeyPatch unpin = new modrelay.relay.access.SubKeyPatch(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                modrelay.relay.access.SubKeyBudgets.Patch.NONE, new modrelay.relay.access.SubKeyBinding.Patch(Optional.empty(),
                        Optional.of(Optional.empty()), Optional.empty(), Optional.empty()));
        store.updateNow("key_bind", unpin);
        modrelay.relay.access.SubKeyBinding unpinned = store.byIdNow("key_bind").orElseThrow().binding();
        assertEquals(Optional.empty(), unpinned.model());
        assertEquals(Optional.of("beta"), unpinned.upstream(), "unpinning the model keeps the upstream");
        store.insertNow(key("key_old", Optional.empty()));
        assertEquals(modrelay.relay.access.SubKeyBinding.NONE, store.byIdNow("key_old").orElseThrow().binding(), "no binding by default");
    }
}
