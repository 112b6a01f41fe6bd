package modrelay.relay.observability;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat log off the request path: streams hand entries to a queue bounded in entries and in bytes
 * ({@link #record} never blocks; see {@link ChatEntryBudget}); one writer thread serialises them,
 * writes whole lines and flushes after each batch. A full queue drops the entry, counts it and warns
 * at most once a minute. {@link #close} writes whatever is queued, flushes and closes the file; an
 * entry recorded after that is dropped, counted and warned about as such (not as "queue full").
 */
public final class ChatLogWriter implements ChatLog, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChatLogWriter.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int BATCH = 256;
    private static final Object WAKE_UP = new Object();

    /** Where lines go: the rotating files, or a test's sink. Called from the writer thread only. */
    public interface Sink {
        void write(byte[] line) throws IOException;

        void flush() throws IOException;

        void close() throws IOException;
    }

    private final BlockingQueue<Object> queue;
    private final Sink sink;
    private final Runnable onDrop;
    private final IntConsumer onWritten;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedSinceWarning = new AtomicLong();
    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());
    private long nextIoWarning = System.nanoTime();
    private volatile boolean closing;
    private final ChatEntryBudget budget;
    private final AtomicLong queuedBytes = new AtomicLong();

    /**
     * @param onDrop    told about every dropped entry (metrics)
     * @param onWritten told how many entries each batch wrote (metrics)
     */
    public ChatLogWriter(int capacity, Sink sink, Runnable onDrop, IntConsumer onWritten) {
        this(capacity, Long.MAX_VALUE / 2, sink, onDrop, onWritten);
    }

    /** @param maxBytes what the queued entries' texts may weigh together (LOG_CHAT_QUEUE_BYTES) */
    public ChatLogWriter(int capacity, long maxBytes, Sink sink, Runnable onDrop, IntConsumer onWritten) {
        this.budget = new ChatEntryBudget(maxBytes);
        // One slot more than asked, for the wake-up that close() sends.
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.sink = sink;
        this.onDrop = onDrop;
        this.onWritten = onWritten;
        this.writer = new Thread(this::run, "modrelay-chat-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void record(ChatEntry entry) {
        if (closing) {
            drop("chat log already closed (shutdown): {} entries dropped since the last warning", -1);
            return;
        }
        ChatEntry fitted = budget.fit(entry);
        long weight = ChatEntryBudget.weight(fitted);
        if (queuedBytes.addAndGet(weight) > budget.maxBytes()) {
            queuedBytes.addAndGet(-weight);
            drop("chat log queue full: {} entries dropped since the last warning (LOG_CHAT_QUEUE_BYTES is {})", budget.maxBytes());
            return;
        }
        // remainingCapacity keeps the close() slot free; a race past it costs at most that one slot.
        if (queue.remainingCapacity() <= 1 || !queue.offer(fitted)) {
            queuedBytes.addAndGet(-weight);
            drop("chat log queue full: {} entries dropped since the last warning (LOG_CHAT_QUEUE is {})",
                    queue.size() + queue.remainingCapacity() - 1);
        }
    }

    /** Bytes the queued entries' texts hold now. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Entries dropped so far (queue full, or written after close). */
    public long dropped() {
        return dropped.get();
    }

    private void drop(String warning, long limit) {
        dropped.incrementAndGet();
        droppedSinceWarning.incrementAndGet();
        onDrop.run();
        long now = System.nanoTime();
        long next = nextWarning.get();
        if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARN_EVERY_NANOS)) {
            LOG.warn(warning, droppedSinceWarning.getAndSet(0), limit);
        }
    }

    private void run() {
        List<Object> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                Object first = queue.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) break;
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                writeBatch(batch);
                batch.clear();
                if (closing && queue.isEmpty()) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            queue.drainTo(batch);
            writeBatch(batch);
            try {
                sink.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("chat log: closing the file failed: {}", e.toString());
            }
        }
    }

    private void writeBatch(List<Object> batch) {
        int written = 0;
        for (Object item : batch) {
            if (!(item instanceof ChatEntry entry)) continue;
            byte[] line;
            try {
                line = entry.toJsonLine();
            } catch (IOException | RuntimeException e) {
                queuedBytes.addAndGet(-ChatEntryBudget.weight(entry));
                LOG.warn("chat log: request_id={} could not be serialised: {}", entry.requestId(), e.getClass().getSimpleName());
                continue;
            }
            try {
                sink.write(line);
                written++;
            } catch (IOException | RuntimeException e) {
                ioTrouble("writing request_id=" + entry.requestId(), e);
                dropped.incrementAndGet();
                onDrop.run();
            } finally {
                queuedBytes.addAndGet(-ChatEntryBudget.weight(entry));
            }
        }
        try {
            sink.flush();
        } catch (IOException | RuntimeException e) {
            ioTrouble("flushing", e);
        }
        if (written > 0) onWritten.accept(written);
    }

    /** Writer thread only; at most one warning a minute (a full disk must not flood the log). */
    private void ioTrouble(String what, Exception e) {
        long now = System.nanoTime();
        if (now - nextIoWarning < 0) return;
        nextIoWarning = now + WARN_EVERY_NANOS;
        LOG.warn("chat log: {} failed: {}", what, e.toString());
    }

    /** Writes what is queued, flushes and closes; entries recorded afterwards are dropped. */
    public void close(Duration timeout) {
        closing = true;
        queue.offer(WAKE_UP);
        try {
            writer.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) LOG.warn("chat log writer did not finish within {} ms", timeout.toMillis());
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
