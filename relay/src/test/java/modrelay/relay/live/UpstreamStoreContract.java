package modrelay.relay.live;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.config.StoreSettings;
import modrelay.relay.access.store.SubKeyStore;
import modrelay.relay.live.UpstreamStore.AuditRow;
import modrelay.relay.live.UpstreamStore.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the upstream store promises on every database (SQLite here, PostgreSQL with MODRELAY_TEST_DATABASE_URL). */
abstract class UpstreamStoreContract {
    private SubKeyStore db;

    abstract StoreSettings settings();

    private UpstreamStore store() {
        if (db == null) db = SubKeyStore.open(settings());
        return new UpstreamStore(db);
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> s) {
        return s.toCompletableFuture().join();
    }

    private static AuditRow audit(long at, String action, String name) {
        return new AuditRow(at, "admin:0000", action, name, "{}");
    }

    @Test
    void theSeedIsWrittenOnceInOrderAndAnEditReplacesTheListOnlyIfItIsStillTheOneItWasMadeFrom() {
        UpstreamStore s = store();
        assertEquals(List.of(), join(s.all()));
        List<Row> seed = List.of(new Row("zeta", "{\"name\":\"zeta\"}"), new Row("alpha", "{\"name\":\"alpha\"}"));
        assertTrue(join(s.seedIfEmpty(seed, List.of(audit(1, "create", "zeta"), audit(1, "create", "alpha")))));
        assertFalse(join(s.seedIfEmpty(List.of(new Row("other", "{}")), List.of(audit(2, "create", "other")))));
        assertEquals(seed, join(s.all()), "configuration order, not name order; the second seed wrote nothing");

        List<Row> next = List.of(seed.get(1), new Row("beta", "{\"name\":\"beta\",\"keys\":[\"sk-x\"]}"));
        assertTrue(join(s.replace(seed, next, List.of(audit(3, "delete", "zeta"), audit(3, "create", "beta")))));
        assertEquals(next, join(s.all()));
        assertFalse(join(s.replace(seed, List.of(new Row("stale", "{}")), List.of(audit(4, "create", "stale")))),
                "an edit computed from a list that changed meanwhile is not written");
        assertEquals(next, join(s.all()));

        List<AuditRow> log = join(s.audit(10));
        assertEquals(List.of("create beta", "delete zeta", "create alpha", "create zeta"),
                log.stream().map(a -> a.action() + " " + a.upstream()).toList(), "newest first, a transaction's rows in order");
        assertEquals(2, join(s.audit(2)).size());
    }

    @Test
    void theEnvironmentSeedsOnTheFirstStartAndTheDatabaseWinsAfterwards() {
        Settings first = SettingsLoader.load(java.util.Map.of("UPSTREAMS",
                "[{\"name\":\"a\",\"url\":\"http://127.0.0.1:1\",\"keys\":[\"sk-a-0123456789\"]}]"));
        store();
        LiveUpstreams.Prepared p = LiveUpstreams.prepare(first, Optional.of(db));
        assertEquals(first.routing().upstreams(), p.settings().routing().upstreams());
        assertTrue(p.settings().routing().declared());
        assertEquals(List.of("env-seed create a"), join(p.store().get().audit(10)).stream()
                .map(a -> a.actor() + " " + a.action() + " " + a.upstream()).toList());
        assertFalse(join(p.store().get().audit(10)).get(0).summary().contains("sk-a-0123456789"), "the audit holds hints only");

        Settings changed = SettingsLoader.load(java.util.Map.of("UPSTREAMS", "[{\"name\":\"b\",\"url\":\"http://127.0.0.1:2\"}]"));
        LiveUpstreams.Prepared again = LiveUpstreams.prepare(changed, Optional.of(db));
        assertEquals(List.of("a"), again.settings().routing().upstreams().stream().map(u -> u.name()).toList(),
                "once seeded, the database's list wins over a changed environment");
        LiveUpstreams.Prepared env = LiveUpstreams.prepare(changed.withRouting(new modrelay.config.RoutingSettings(
                changed.routing().upstreams(), true, "priority", 3, 3, java.time.Duration.ofSeconds(30), java.time.Duration.ZERO,
                "env", java.time.Duration.ZERO)), Optional.of(db));
        assertEquals(List.of("b"), env.settings().routing().upstreams().stream().map(u -> u.name()).toList(), "UPSTREAMS_SOURCE=env");
        assertTrue(env.store().isEmpty());
    }
}
