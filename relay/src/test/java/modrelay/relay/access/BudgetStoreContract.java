package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import modrelay.config.StoreSettings;
import modrelay.relay.access.store.SubKeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Token and spend budgets in the store, run against SQLite and against PostgreSQL. */
abstract class BudgetStoreContract {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:10Z");

    private final List<SubKeyStore> opened = new ArrayList<>();

    abstract StoreSettings settings();

    SubKeyStore open() {
        SubKeyStore store = SubKeyStore.open(settings());
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(SubKeyStore::close);
    }

    static SubKey key(String id, SubKeyBudgets budgets) {
        String secret = SubKeySecrets.newSecret();
        return new SubKey(id, "customer " + id, SubKeySecrets.hash(secret), SubKeySecrets.hint(secret), T0.minusSeconds(10),
                Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(),
                new ModelRules(List.of(), List.of()), Optional.empty(), EndpointRules.DEFAULT, budgets,
                SubKeyBinding.NONE);
    }

    static SubKeyBudgets limits(Long total, Long perDay, Long perMinute, Double spend) {
        return new SubKeyBudgets(Optional.ofNullable(total), Optional.ofNullable(perDay), Optional.empty(),
                Optional.ofNullable(perMinute), Optional.ofNullable(spend), 0, 0);
    }

    @Test
    void budgetsRoundTripAndPatch() throws Exception {
        SubKeyStore store = open();
        SubKey k = key("key_r", new SubKeyBudgets(Optional.of(1000L), Optional.of(100L), Optional.of(500L), Optional.of(10L),
                Optional.of(2.5), 0, 0));
        store.insertNow(k);
        assertEquals(Optional.of(k), store.byIdNow("key_r"));
        SubKeyPatch p = new SubKeyPatch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), new SubKeyBudgets.Patch(Optional.of(Optional.empty()),
                Optional.empty(), Optional.empty(), Optional.of(Optional.of(20L)), Optional.empty()), SubKeyBinding.Patch.NONE);
        SubKeyBudgets after = store.updateNow("key_r", p).orElseThrow().budgets();
        assertEquals(Optional.empty(), after.tokenBudget());
        assertEquals(Optional.of(20L), after.tokensPerMinute());
        assertEquals(Optional.of(100L), after.tokensPerDay());
        assertEquals(Optional.of(2.5), after.spendBudget());
    }

    @Test
    void concurrentReservationsNeverOverspendTheBudget() throws Exception {
        SubKeyStore store = open();
        SubKey k = key("key_c", limits(1000L, null, null, null));
        store.insertNow(k);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Consumption>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                all.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return store.consumeNow(k, T0, 70, 0, false);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            long granted = all.stream().map(CompletableFuture::join).filter(c -> c instanceof Consumption.Granted).count();
            assertEquals(14, granted, "1000 / 70 = 14 reservations fit");
            for (CompletableFuture<Consumption> f : all) {
                if (!(f.join() instanceof Consumption.Granted)) {
                    assertEquals(new Consumption.OverLimit("token_budget", Optional.empty()), f.join());
                }
            }
        } finally {
            pool.shutdown();
        }
        SubKey after = store.byIdNow("key_c").orElseThrow();
        assertEquals(980, after.budgets().tokensUsed());
        assertEquals(14, after.used(), "a refused request spends no request either");
    }

    @Test
    void aMinuteWindowRefusesUntilTheNextMinuteAndSettlingGivesBackTheRest() throws Exception {
        SubKeyStore store = open();
        SubKey k = key("key_m", limits(null, null, 100L, null));
        store.insertNow(k);
        Consumption first = store.consumeNow(k, T0, 60, 0, false);
        Consumption.Granted g = assertInstanceOf(Consumption.Granted.class, first);
        assertEquals(new Consumption.OverLimit("tokens_per_minute", Optional.of(Duration.ofSeconds(50))),
                store.consumeNow(k, T0, 60, 0, false));
        // the first request used 20 tokens, not 60: 40 go back to the key and to its minute
        store.settleTokensNow("key_m", g.windows(), -40, 0);
        assertEquals(20, store.byIdNow("key_m").orElseThrow().budgets().tokensUsed());
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0.plusSeconds(5), 80, 0, false));
        assertInstanceOf(Consumption.OverLimit.class, store.consumeNow(k, T0.plusSeconds(6), 1, 0, false));
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0.plusSeconds(50), 100, 0, false), "a new minute");
        assertEquals(new Consumption.OverLimit("tokens_per_minute", Optional.of(Duration.ofSeconds(60))),
                store.consumeNow(k, T0.plusSeconds(50), 101, 0, false), "larger than the window itself");
    }

    @Test
    void aDayWindowReopensAtUtcMidnight() throws Exception {
        SubKeyStore store = open();
        SubKey k = key("key_d", limits(null, 100L, null, null));
        store.insertNow(k);
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0, 100, 0, false));
        Consumption refused = store.consumeNow(k, T0, 1, 0, false);
        assertEquals(new Consumption.OverLimit("tokens_per_day", Optional.of(Duration.ofHours(24).minusSeconds(10))), refused);
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0.plus(Duration.ofDays(1)), 100, 0, false));
    }

    @Test
    void aSpendBudgetStopsAtItsAmountAndNothingOfARefusalIsSpent() throws Exception {
        SubKeyStore store = open();
        SubKey k = key("key_s", limits(null, null, 1000L, 1.0));
        store.insertNow(k);
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0, 10, 0.6, false));
        assertEquals(new Consumption.OverLimit("spend_budget", Optional.empty()), store.consumeNow(k, T0, 10, 0.6, false));
        SubKey after = store.byIdNow("key_s").orElseThrow();
        assertEquals(0.6, after.budgets().spendUsed(), 1e-9);
        assertEquals(10, after.budgets().tokensUsed());
        assertEquals(1, after.used());
        // the minute window took only the granted request: 990 still fit
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0, 990, 0.3, false));
    }

    @Test
    void aSharedRequestsPerMinuteLimitCountsInTheDatabase() throws Exception {
        SubKeyStore store = open();
        SubKey k = new SubKey("key_q", "q", SubKeySecrets.hash("x"), "h", T0, Optional.empty(), Optional.empty(), Optional.empty(),
                0, Optional.empty(), Optional.of(2), new ModelRules(List.of(), List.of()), Optional.empty());
        store.insertNow(k);
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0, 0, 0, true));
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0, 0, 0, true));
        assertEquals(new Consumption.OverLimit("requests_per_minute", Optional.of(Duration.ofSeconds(50))),
                store.consumeNow(k, T0, 0, 0, true));
        assertInstanceOf(Consumption.Granted.class, store.consumeNow(k, T0.plusSeconds(50), 0, 0, true));
        store.pruneWindowsNow(T0.plusSeconds(50));
    }
}
