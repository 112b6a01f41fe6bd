package modrelay.relay.logging;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ChatLogWriterTest {

    /** A sink that can hold the writer thread inside its first write until the test lets go. */
    private static final class HeldSink implements ChatLogWriter.Sink {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;
        volatile boolean closed;

        HeldSink(boolean hold) {
            release = new CountDownLatch(hold ? 1 : 0);
        }

        @Override
        public void write(byte[] line) throws java.io.IOException {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) throw new java.io.IOException("never released");
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            lines.add(new String(line, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aFullQueueDropsCountsAndNeverWaitsForTheWriter() throws Exception {
        HeldSink sink = new HeldSink(true);
        AtomicInteger dropsSeen = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        ChatLogWriter writer = new ChatLogWriter(10, sink, dropsSeen::incrementAndGet, written::addAndGet);
        writer.record(ChatEntries.entry("first", "a"));
        assertTrue(sink.entered.await(10, TimeUnit.SECONDS), "the writer took the first entry");
        // The writer is stuck in the sink: these calls must return on their own, the last 5 dropped.
        for (int i = 0; i < 15; i++) writer.record(ChatEntries.entry("r" + i, "b"));
        assertEquals(5, writer.dropped());
        assertEquals(5, dropsSeen.get());

        sink.release.countDown();
        writer.close(Duration.ofSeconds(10));
        assertEquals(11, sink.lines.size(), "the held entry and the 10 queued ones");
        assertEquals(11, written.get());
        assertTrue(sink.closed);
        ObjectMapper json = new ObjectMapper();
        for (String line : sink.lines) {
            assertTrue(line.endsWith("\n"));
            json.readTree(line);
        }
        assertEquals("first", json.readTree(sink.lines.get(0)).get("request_id").asText());
        assertEquals("r9", json.readTree(sink.lines.get(10)).get("request_id").asText());
    }

    @Test
    void dropsAreWarnedAboutAtMostOnceAMinute() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ChatLogWriter.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try {
            HeldSink sink = new HeldSink(true);
            ChatLogWriter writer = new ChatLogWriter(1, sink, () -> {}, n -> {});
            writer.record(ChatEntries.entry("held", "a"));
            assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 200; i++) writer.record(ChatEntries.entry("r" + i, "b"));
            assertEquals(199, writer.dropped());
            long warnings = captured.list.stream().filter(e -> e.getFormattedMessage().contains("chat log queue full")).count();
            assertEquals(1, warnings);
            sink.release.countDown();
            writer.close(Duration.ofSeconds(10));
        } finally {
            logger.detachAppender(captured);
        }
    }

    @Test
    void closeWritesEverythingQueuedAndLaterEntriesAreDropped() {
        HeldSink sink = new HeldSink(false);
        ChatLogWriter writer = new ChatLogWriter(1000, sink, () -> {}, n -> {});
        for (int i = 0; i < 500; i++) writer.record(ChatEntries.entry("r" + i, "reply " + i));
        writer.close(Duration.ofSeconds(10));
        assertEquals(500, sink.lines.size());
        assertTrue(sink.closed);
        writer.record(ChatEntries.entry("late", "x"));
        assertEquals(1, writer.dropped());
        assertEquals(500, sink.lines.size());
    }
}
