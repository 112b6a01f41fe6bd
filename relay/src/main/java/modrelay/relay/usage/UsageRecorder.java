package modrelay.relay.usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import modrelay.relay.tokens.UsageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes every exchange's usage record off the request path: {@link #offer} puts it in a bounded queue
 * (never waits; a full queue drops the record and counts it), one writer thread wakes once every flush
 * interval, sums what waits per (day, sub-key, model) and adds each sum to the database in one
 * transaction. It does not wake per record: a request costs a queue insert and nothing else (no thread
 * hand-off, no transaction per burst). A batch the database refused is kept (summed, so it stays small)
 * and tried again with the next one. {@link #flush} writes what waits now (the report calls it, so an
 * instance's report includes its own latest exchanges); {@link #close} writes the rest at shutdown.
 */
public final class UsageRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);

    private final BlockingQueue<UsageRecord> queue;
    private final UsageStore store;
    private final Duration interval;
    private final Runnable onDropped;
    private final AtomicLong dropped = new AtomicLong();
    private final Map<DailyRow.Key, DailyTally> unwritten = new LinkedHashMap<>();
    private final BlockingQueue<CompletableFuture<Void>> flushes = new ArrayBlockingQueue<>(1024);
    private final Thread writer;
    private volatile boolean closed;
    public UsageRecorder(UsageStore store, int queueSize, Duration interval, Runnable onDropped) {
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.store = store;
        this.interval = interval;
        this.onDropped = onDropped;
        this.writer = new Thread(this::run, "modrelay-usage-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues a record; when the queue is full it is dropped (counted, logged once a minute at most). */
    public void offer(UsageRecord r) {
        if (closed || !queue.offer(r)) {
            onDropped.run();
            if (dropped.getAndIncrement() % 10_000 == 0) {
                LOG.warn("usage queue full ({} waiting): usage records dropped; raise USAGE_QUEUE or check the database",
                        queue.size());
            }
        }
    }

    public long dropped() {
        return dropped.get();
    }

    /** Completes once everything queued before the call is in the database (or failed to be). */
    public CompletionStage<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed || !flushes.offer(done)) done.complete(null);
        return done;
    }

    private void run() {
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        long due = System.nanoTime() + interval.toNanos();
        while (!closed || !queue.isEmpty()) {
            try {
                // sleeps until the interval is up or someone asks for a flush (close asks too): never per record
                long wait = due - System.nanoTime();
                CompletableFuture<Void> flush = wait > 0 ? flushes.poll(wait, TimeUnit.NANOSECONDS) : null;
                if (flush != null) asked.add(flush);
            } catch (InterruptedException e) {
                return;
            }
            flushes.drainTo(asked);
            write();
            asked.forEach(f -> f.complete(null));
            asked.clear();
            due = System.nanoTime() + interval.toNanos();
        }
    }

    private long lastEpochDay = Long.MIN_VALUE;
    private String lastDay = "";

    /** A record's UTC day, formatted once per day rather than once per record (writer thread only). */
    private String day(java.time.Instant at) {
        long d = Math.floorDiv(at.getEpochSecond(), 86_400);
        if (d != lastEpochDay) {
            lastDay = java.time.LocalDate.ofEpochDay(d).toString();
            lastEpochDay = d;
        }
        return lastDay;
    }

    private void add(UsageRecord r) {
        unwritten.computeIfAbsent(new DailyRow.Key(day(r.at()), r.subKey().orElse(""), r.model()), DailyTally::new).add(r);
    }

    private void write() {
        List<UsageRecord> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        for (UsageRecord r : waiting) add(r);
        if (unwritten.isEmpty()) return;
        try {
            // no timeout: giving up on a write that then commits would count its rows twice
            store.add(unwritten.values().stream().map(DailyTally::row).toList()).toCompletableFuture().get();
            unwritten.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("usage: {} rows could not be written, kept for the next batch: {}", unwritten.size(), e.toString());
        }
    }

    /** Writes what waits (at most {@code timeout}), then stops the writer. */
    public void close(Duration timeout) {
        closed = true;
        flushes.offer(new CompletableFuture<>()); // wakes the writer for its last batch
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) LOG.warn("usage: writer still busy at close; {} rows may be lost", unwritten.size());
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
