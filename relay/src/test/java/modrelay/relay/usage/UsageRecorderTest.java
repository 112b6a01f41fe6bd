package modrelay.relay.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import modrelay.relay.access.TestDatabases;
import modrelay.relay.access.store.SubKeyStore;
import modrelay.relay.tokens.Usage;
import modrelay.relay.tokens.UsageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records written in batches add up, per day, key and model, to what each exchange recorded; a full queue drops and counts. */
class UsageRecorderTest {
    @TempDir
    Path dir;

    private static UsageRecord rec(String day, String key, String model, long p, long c, boolean est, Double cost) {
        return new UsageRecord(Instant.parse(day + "T10:00:00Z"), Optional.ofNullable(key), model, "up", new Usage(p, c, 1, 2, est),
                "off", Optional.ofNullable(cost));
    }

    @Test
    void oneBatchSumsItsRecordsOfOneDayKeyAndModelIntoOneRow() throws Exception {
        try (SubKeyStore db = SubKeyStore.open(TestDatabases.sqlite(dir))) {
            UsageStore store = new UsageStore(db);
            UsageRecorder recorder = new UsageRecorder(store, 1000, Duration.ofMinutes(10), () -> {});
            recorder.offer(rec("2026-12-01", "k1", "m1", 20, 6, true, null));
            recorder.offer(rec("2026-12-01", "k1", "m1", 30, 7, false, 0.25));
            recorder.offer(rec("2026-12-01", "k1", "m1", 1, 1, true, 0.5));
            recorder.offer(rec("2026-12-01", "k1", "m2", 4, 4, false, null));
            recorder.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<DailyRow> rows = store.query(UsageQuery.parse(Map.of("group_by", "day,key,model", "from", "2026-11-01"),
                    LocalDate.parse("2026-12-31"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(List.of(
                    new DailyRow("2026-12-01", "k1", "m1", 3, 51, 14, 3, 6, 2, Optional.of(0.75)),
                    new DailyRow("2026-12-01", "k1", "m2", 1, 4, 4, 1, 2, 0, Optional.empty())), rows);
            recorder.close();
        }
    }

    @Test
    void batchesSumPerDayKeyAndModel() throws Exception {
        try (SubKeyStore db = SubKeyStore.open(TestDatabases.sqlite(dir))) {
            UsageStore store = new UsageStore(db);
            UsageRecorder recorder = new UsageRecorder(store, 1000, Duration.ofMinutes(10), () -> {});
            List<UsageRecord> records = List.of(
                    rec("2026-11-30", "k1", "m1", 10, 5, false, 0.1),
                    rec("2026-12-01", "k1", "m1", 20, 6, true, null),
                    rec("2026-12-01", "k1", "m1", 30, 7, false, 0.2),
                    rec("2026-12-01", null, "m2", 40, 8, false, null));
            for (UsageRecord r : records.subList(0, 2)) recorder.offer(r);
            recorder.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (UsageRecord r : records.subList(2, 4)) recorder.offer(r);
            recorder.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);

            UsageQuery byDayKey = UsageQuery.parse(Map.of("group_by", "day,key,model", "from", "2026-11-01"), LocalDate.parse("2026-12-31"));
            List<DailyRow> rows = store.query(byDayKey).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(List.of(
                    new DailyRow("2026-11-30", "k1", "m1", 1, 10, 5, 1, 2, 0, Optional.of(0.1)),
                    new DailyRow("2026-12-01", "", "m2", 1, 40, 8, 1, 2, 0, Optional.empty()),
                    new DailyRow("2026-12-01", "k1", "m1", 2, 50, 13, 2, 4, 1, Optional.of(0.2))), rows);

            DailyRow total = UsageReport.total(store.query(UsageQuery.parse(Map.of("group_by", "model", "from", "2026-11-01"),
                    LocalDate.parse("2026-12-31"))).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals(records.size(), total.requests());
            assertEquals(records.stream().mapToLong(r -> r.usage().prompt()).sum(), total.prompt());
            assertEquals(records.stream().mapToLong(r -> r.usage().completion()).sum(), total.completion());

            UsageQuery oneKey = UsageQuery.parse(Map.of("key", "k1", "model", "m1", "from", "2026-12-01", "to", "2026-12-01"),
                    LocalDate.parse("2026-12-31"));
            assertEquals(50, store.query(oneKey).toCompletableFuture().get(10, TimeUnit.SECONDS).get(0).prompt());
            recorder.close();
        }
    }

    @Test
    void recordsEitherSideOfUtcMidnightAreSummedIntoTheirOwnDays() throws Exception {
        try (SubKeyStore db = SubKeyStore.open(TestDatabases.sqlite(dir))) {
            UsageStore store = new UsageStore(db);
            UsageRecorder recorder = new UsageRecorder(store, 1000, Duration.ofMinutes(10), () -> {});
            for (String at : List.of("2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00Z", "2026-12-31T00:00:00Z", "2027-01-01T23:59:59Z")) {
                recorder.offer(new UsageRecord(Instant.parse(at), Optional.empty(), "m", "up", new Usage(1, 1, 0, 0, false), "off",
                        Optional.empty()));
            }
            recorder.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<DailyRow> rows = store.query(UsageQuery.parse(Map.of("group_by", "day", "from", "2026-12-01", "to", "2027-01-31"),
                    LocalDate.parse("2027-01-31"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(List.of("2026-12-31", "2027-01-01"), rows.stream().map(DailyRow::day).toList());
            assertEquals(List.of(2L, 2L), rows.stream().map(DailyRow::requests).toList());
            recorder.close();
        }
    }

    @Test
    void aFullQueueDropsAndCounts() throws Exception {
        try (SubKeyStore db = SubKeyStore.open(TestDatabases.sqlite(dir))) {
            AtomicInteger dropped = new AtomicInteger();
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            // the database answers only once the test lets it: the writer is stuck in its first batch meanwhile
            db.withConnection(c -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            UsageRecorder recorder = new UsageRecorder(new UsageStore(db), 2, Duration.ofMillis(10), dropped::incrementAndGet);
            for (int i = 0; i < 50; i++) recorder.offer(rec("2026-12-01", "k", "m", 1, 1, false, null));
            // the writer holds what it took before the database stalled (at most a queue's worth drained) and
            // a queue's worth waits: everything else was dropped, and counted
            assertTrue(dropped.get() >= 50 - 1 - 2 * 2, "dropped " + dropped.get());
            assertEquals(dropped.get(), recorder.dropped());
            hold.countDown();
            recorder.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);
            long stored = UsageReport.total(new UsageStore(db).query(UsageQuery.parse(Map.of(), LocalDate.parse("2026-12-01")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS)).requests();
            assertEquals(50 - dropped.get(), stored);
            recorder.close();
        }
    }
}
