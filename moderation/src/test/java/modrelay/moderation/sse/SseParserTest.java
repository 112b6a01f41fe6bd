package modrelay.moderation.sse;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SseParserTest {

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("SseParserTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    static List<SseEvent> parse(List<ByteString> chunks, int max) throws Exception {
        return Source.from(chunks).via(SseParser.flow(max)).runWith(Sink.seq(), system)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static List<SseEvent> parse(String text) throws Exception {
        return parse(List.of(ByteString.fromString(text)), 1 << 20);
    }

    /** What matters to a reader of the events, independent of chunking: type, data and exact raw bytes. */
    static List<String> describe(List<SseEvent> events) {
        List<String> out = new ArrayList<>();
        for (SseEvent e : events) out.add(e.event() + "|" + e.data() + "|" + e.raw().utf8String());
        return out;
    }

    static final String STREAM = "event: response.output_text.delta\n"
            + "data: {\"delta\":\"你好😀 world\"}\n\n"
            + ": a comment\n\n"
            + "data: {\"a\":1}\r\n"
            + "data: {\"b\":2}\r\n\r\n"
            + "id: 7\rdata:no-space\r\r"
            + "data: [DONE]\n\n";

    @Test
    void readsTypesDataCommentsAndLineEnds() throws Exception {
        List<SseEvent> events = parse(STREAM);
        assertEquals(5, events.size());
        assertEquals("response.output_text.delta", events.get(0).event());
        assertEquals("{\"delta\":\"你好😀 world\"}", events.get(0).data());
        assertEquals("", events.get(1).event());
        assertNull(events.get(1).data(), "a comment has no data");
        assertEquals("{\"a\":1}\n{\"b\":2}", events.get(2).data(), "data lines are joined with LF");
        assertEquals("no-space", events.get(3).data());
        assertEquals("[DONE]", events.get(4).data());
        ByteString all = ByteString.emptyByteString();
        for (SseEvent e : events) all = all.concat(e.raw());
        assertEquals(ByteString.fromString(STREAM), all, "raw bytes cover the input exactly");
    }

    @Test
    void anySplitPositionGivesTheSameEvents() throws Exception {
        ByteString bytes = ByteString.fromString(STREAM);
        List<String> expected = describe(parse(STREAM));
        for (int cut = 0; cut <= bytes.length(); cut++) {
            List<ByteString> chunks = List.of(bytes.slice(0, cut), bytes.slice(cut, bytes.length()));
            assertEquals(expected, describe(parse(chunks, 1 << 20)), "split at byte " + cut);
        }
    }

    @Test
    void anyThreeWaySplitGivesTheSameEventsFromTheDecoder() {
        // every pair of cut positions, directly on the decoder (no stream needed for this many cases)
        ByteString bytes = ByteString.fromString(STREAM);
        List<String> expected = describe(decode(List.of(bytes)));
        for (int a = 0; a <= bytes.length(); a++) {
            for (int b = a; b <= bytes.length(); b++) {
                List<ByteString> chunks = List.of(bytes.slice(0, a), bytes.slice(a, b), bytes.slice(b, bytes.length()));
                assertEquals(expected, describe(decode(chunks)), "split at " + a + "," + b);
            }
        }
    }

    @Test
    void byteByByteKeepsMultiByteCharacters() throws Exception {
        String text = "data: 😀中文🇨🇳é\n\n";
        ByteString bytes = ByteString.fromString(text);
        List<ByteString> single = new ArrayList<>();
        for (int i = 0; i < bytes.length(); i++) single.add(bytes.slice(i, i + 1));
        List<SseEvent> events = parse(single, 1 << 20);
        assertEquals(1, events.size());
        assertEquals("😀中文🇨🇳é", events.get(0).data());
    }

    @Test
    void unterminatedLastEventIsEmittedAtTheEnd() throws Exception {
        List<SseEvent> events = parse("data: one\n\ndata: two");
        assertEquals(List.of("one", "two"), events.stream().map(SseEvent::data).toList());
        assertEquals("data: two", events.get(1).raw().utf8String());

        List<SseEvent> crEnded = parse("data: three\r");
        assertEquals("three", crEnded.get(0).data());
    }

    @Test
    void oversizeEventFailsTheStreamWhateverTheChunking() {
        String big = "data: " + "x".repeat(100) + "\n\n";
        ExecutionException whole = assertThrows(ExecutionException.class,
                () -> parse(List.of(ByteString.fromString(big)), 64));
        assertInstanceOf(SseEventTooLargeException.class, whole.getCause());
        ExecutionException unterminated = assertThrows(ExecutionException.class,
                () -> parse(List.of(ByteString.fromString("data: " + "x".repeat(100))), 64));
        assertInstanceOf(SseEventTooLargeException.class, unterminated.getCause());
    }

    @Test
    void eventsUpToTheLimitPass() throws Exception {
        String exact = "data: " + "x".repeat(56) + "\n\n"; // 64 bytes
        assertEquals(64, ByteString.fromString(exact).length());
        assertEquals(2, parse(List.of(ByteString.fromString(exact + exact)), 64).size());
    }

    @Test
    void randomChunkingOfRandomEventsKeepsEverything() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            List<String> datas = new ArrayList<>();
            String[] ends = {"\n", "\r\n", "\r"};
            for (int i = 0; i < 1 + random.nextInt(6); i++) {
                String end = ends[random.nextInt(ends.length)];
                String data = randomText(random);
                datas.add(data);
                sb.append("data: ").append(data).append(end).append(end);
            }
            ByteString bytes = ByteString.fromString(sb.toString());
            List<ByteString> chunks = new ArrayList<>();
            for (int i = 0; i < bytes.length(); ) {
                int n = 1 + random.nextInt(9);
                chunks.add(bytes.slice(i, Math.min(i + n, bytes.length())));
                i += n;
            }
            List<SseEvent> events = decode(chunks);
            assertEquals(datas, events.stream().map(SseEvent::data).toList(), sb.toString());
        }
    }

    private static String randomText(Random random) {
        String[] parts = {"a", "Z", "中", "文", "😀", "é", " ", "{", "\"", "ß"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < random.nextInt(12); i++) sb.append(parts[random.nextInt(parts.length)]);
        return sb.toString();
    }

    private static List<SseEvent> decode(List<ByteString> chunks) {
        SseDecoder decoder = new SseDecoder(1 << 20);
        List<SseEvent> events = new ArrayList<>();
        for (ByteString c : chunks) events.addAll(decoder.feed(c));
        events.addAll(decoder.finish());
        return events;
    }
}
