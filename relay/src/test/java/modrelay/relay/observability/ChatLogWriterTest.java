package modrelay.relay.observability;

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

    @Test
    void theQueueIsBoundedInBytesHugeEntriesAreShortenedAndWhatDoesNotFitIsDropped() throws Exception {
        HeldSink sink = new HeldSink(true);
        AtomicInteger dropsSeen = new AtomicInteger();
        long budget = 1024 * 1024;
        ChatLogWriter writer = new ChatLogWriter(1000, budget, sink, dropsSeen::incrementAndGet, n -> {});
        writer.record(ChatEntries.entry("held", "a"));
        assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
        // A 5 MB request and a 3 M-character reply: kept, but shortened to a quarter of the budget.
        ChatEntry huge = ChatEntries.entry("huge", "y".repeat(3_000_000))
                .withTexts(akka.util.ByteString.fromArray(new byte[5_000_000]), false, "y".repeat(3_000_000), false);
        writer.record(huge);
        assertEquals(0, writer.dropped());
        assertTrue(writer.queuedBytes() <= budget / 4 + 1024, "queued " + writer.queuedBytes());
        // Then ordinary entries until the byte budget is used up: the queue (1000 entries) is not full, the budget is.
        String reply = "z".repeat(50_000); // ~100 KB each
        int recorded = 0;
        while (writer.dropped() == 0 && recorded < 1000) {
            writer.record(ChatEntries.entry("n" + recorded, reply));
            recorded++;
        }
        assertEquals(1, writer.dropped(), "dropped once the bytes ran out");
        assertEquals(1, dropsSeen.get());
        assertTrue(recorded < 20, "a byte budget of 1 MB holds fewer than 20 entries of 100 KB: " + recorded);
        assertTrue(writer.queuedBytes() <= budget, "never over budget: " + writer.queuedBytes());

        sink.release.countDown();
        writer.close(Duration.ofSeconds(10));
        assertEquals(0, writer.queuedBytes(), "written entries give their bytes back");
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode line = json.readTree(sink.lines.get(1));
        assertEquals("huge", line.get("request_id").asText());
        assertTrue(line.get("reply_truncated").asBoolean());
        assertTrue(line.get("request_truncated").asBoolean());
        assertEquals(0, line.get("request").size(), "the request is left out, not cut mid-JSON");
        assertTrue(line.get("reply").asText().length() < 3_000_000 && line.get("reply").asText().length() > 10_000);
        assertEquals(recorded, sink.lines.size() - 1, "held + huge + every ordinary entry that fitted");
    }

    @Test
    void entriesWithinTheirShareAreWrittenWhole() {
        HeldSink sink = new HeldSink(false);
        ChatLogWriter writer = new ChatLogWriter(10, 64L * 1024 * 1024, sink, () -> {}, n -> {});
        writer.record(ChatEntries.entry("whole", "r".repeat(100_000)));
        writer.close(Duration.ofSeconds(10));
        assertTrue(sink.lines.get(0).contains("\"reply\":\"" + "r".repeat(100_000) + "\""));
        assertFalse(sink.lines.get(0).contains("truncated"));
    }

    @Test
    void anEntryAfterCloseIsWarnedAboutAsSuchNotAsAFullQueue() {
        Logger logger = (Logger) LoggerFactory.getLogger(ChatLogWriter.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try {
            ChatLogWriter writer = new ChatLogWriter(10, new HeldSink(false), () -> {}, n -> {});
            writer.close(Duration.ofSeconds(10));
            writer.record(ChatEntries.entry("late", "x"));
            assertEquals(1, writer.dropped());
            assertTrue(captured.list.stream().anyMatch(e -> e.getFormattedMessage().contains("already closed")));
            assertTrue(captured.list.stream().noneMatch(e -> e.getFormattedMessage().contains("queue full")));
        } finally {
            logger.detachAppender(captured);
        }
    }
}
