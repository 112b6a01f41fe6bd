package modrelay.relay.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The usage chunk the relay asked for is read and taken out; everything else passes as it came, however chunked. */
class StreamUsageTest {
    private static ActorSystem system;
    private static Materializer mat;

    private static final String HEAD = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":";
    private static final String C1 = "data: " + HEAD + "[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}],\"usage\":null}\n\n";
    private static final String C2 = "data: " + HEAD + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
    private static final String USAGE = "data: " + HEAD + "[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,"
            + "\"total_tokens\":11}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";
    /** C1 and C2 as the client gets them when the relay asked: without the "usage":null it did not ask for. */
    private static final String C1S = C1.replace(",\"usage\":null", "");
    private static final String C2S = C2.replace(",\"usage\":null", "");

    @BeforeAll
    static void start() {
        system = ActorSystem.create("stream-usage-test");
        mat = Materializer.matFromSystem(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    /** The reader as the relay runs it: inside the body's first stage (the deadlines far away). */
    private static akka.stream.javadsl.Flow<ByteString, ByteString, akka.NotUsed> usage(UsageTrace trace, boolean strip) {
        StreamUsage usage = new StreamUsage(trace, strip);
        return modrelay.relay.upstream.BodyDeadlines.flow(java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(1),
                usage::chunk, usage::end);
    }

    /** A chunk as the network gives it: a slice in the middle of a larger read, not an array of its own. */
    private static ByteString slice(String chunk) {
        return ByteString.fromString("<<" + chunk + ">>").slice(2, 2 + ByteString.fromString(chunk).size());
    }

    private static String run(List<String> chunks, UsageTrace trace, boolean strip) throws Exception {
        List<ByteString> in = new ArrayList<>();
        for (String c : chunks) in.add(slice(c));
        return Source.from(in).via(usage(trace, strip))
                .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat)
                .toCompletableFuture().get(5, TimeUnit.SECONDS).utf8String();
    }

    /** Every way of cutting the stream into chunks: at every byte, in two, and whole. */
    private static List<List<String>> chunkings(String all) {
        List<List<String>> out = new ArrayList<>();
        out.add(List.of(all));
        for (int i = 1; i < all.length(); i += 29) out.add(List.of(all.substring(0, i), all.substring(i)));
        List<String> bytes = new ArrayList<>();
        for (int i = 0; i < all.length(); i++) bytes.add(all.substring(i, i + 1));
        out.add(bytes);
        return out;
    }

    @Test
    void theUsageChunkTheRelayAskedForIsTakenOutAndRecorded() throws Exception {
        String all = C1 + C2 + USAGE + DONE;
        for (List<String> chunks : chunkings(all)) {
            UsageTrace trace = UsageTrace.on();
            assertEquals(C1S + C2S + DONE, run(chunks, trace, true), "chunked as " + chunks.size());
            assertEquals(Optional.of(new Usage(9, 2, 0, 0, false)), trace.reported());
        }
    }

    @Test
    void chunksHoldingWholeEventsAndAPartOfTheNextPassTheWholeOnesAtOnce() throws Exception {
        // as TCP cuts a stream: each chunk ends inside an event; the usage chunk is split over two of them
        List<String> chunks = List.of(C1 + C2.substring(0, 10), C2.substring(10) + USAGE.substring(0, 20), USAGE.substring(20) + DONE);
        List<ByteString> in = new ArrayList<>();
        for (String c : chunks) in.add(slice(c));
        UsageTrace trace = UsageTrace.on();
        List<String> out = new ArrayList<>();
        for (ByteString b : Source.from(in).via(usage(trace, true)).runWith(Sink.seq(), mat)
                .toCompletableFuture().get(5, TimeUnit.SECONDS)) {
            out.add(b.utf8String());
        }
        // the complete event goes out with the chunk it ended in; only the unfinished one waits
        assertEquals(List.of(C1S, C2S, DONE), out);
        assertEquals(Optional.of(new Usage(9, 2, 0, 0, false)), trace.reported());
    }

    @Test
    void anEventWhoseBlankLineIsSplitBetweenTwoChunksGoesOutWithTheSecond() throws Exception {
        // "\n" | "\ndata: ..." and the CRLF forms: the event is complete once the second chunk is in, not one event later
        for (String[] cut : new String[][] {{C1.substring(0, C1.length() - 1), "\n"},
                {C1.replace("\n", "\r\n").substring(0, C1.length() + 1), "\n"},
                {C1.replace("\n", "\r\n").substring(0, C1.length()), "\r\n"}}) {
            List<ByteString> in = List.of(slice(cut[0]), slice(cut[1] + C2.substring(0, 10)), slice(C2.substring(10) + DONE));
            List<String> out = new ArrayList<>();
            for (ByteString b : Source.from(in).via(usage(UsageTrace.on(), true)).runWith(Sink.seq(), mat)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS)) {
                out.add(b.utf8String());
            }
            String first = (cut[0] + cut[1]).replace(",\"usage\":null", "");
            assertEquals(List.of(first, C2S + DONE), out);
        }
    }

    @Test
    void whenTheClientAskedTheStreamPassesUnchangedAndIsStillRead() throws Exception {
        String all = C1 + C2 + USAGE + DONE;
        for (List<String> chunks : chunkings(all)) {
            UsageTrace trace = UsageTrace.on();
            assertEquals(all, run(chunks, trace, false));
            assertEquals(Optional.of(new Usage(9, 2, 0, 0, false)), trace.reported());
        }
    }

    @Test
    void usageOnAChunkWithChoicesIsRemovedFromThatChunkOnly() throws Exception {
        String last = "data: " + HEAD + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
                + "\"completion_tokens\":1}}\n\n";
        UsageTrace trace = UsageTrace.on();
        String out = run(List.of(C1, last, DONE), trace, true);
        assertTrue(out.startsWith(C1S));
        assertTrue(out.endsWith(DONE));
        assertFalse(out.contains("prompt_tokens"));
        assertTrue(out.contains("\"finish_reason\":\"stop\""));
        assertEquals(Optional.of(new Usage(1, 1, 0, 0, false)), trace.reported());
    }

    @Test
    void crlfEventsAndAStreamWithoutUsage() throws Exception {
        String crlf = (C1 + USAGE + DONE).replace("\n", "\r\n");
        UsageTrace trace = UsageTrace.on();
        assertEquals((C1S + DONE).replace("\n", "\r\n"), run(List.of(crlf), trace, true));
        assertTrue(trace.reported().isPresent());

        UsageTrace none = UsageTrace.on();
        assertEquals(C1S + C2S, run(List.of(C1, C2), none, true));
        assertTrue(none.reported().isEmpty());
    }

    @Test
    void crlfEventsCutAnywhere() throws Exception {
        String crlf = (C1 + C2 + USAGE + DONE).replace("\n", "\r\n");
        for (List<String> chunks : chunkings(crlf)) {
            UsageTrace trace = UsageTrace.on();
            assertEquals((C1S + C2S + DONE).replace("\n", "\r\n"), run(chunks, trace, true), "chunked as " + chunks.size());
            assertEquals(Optional.of(new Usage(9, 2, 0, 0, false)), trace.reported());
        }
    }

    @Test
    void aLargeEventOverSeveralChunksAndSmallOnesAfterItAllComeThrough() throws Exception {
        // the stream's examining buffer grows for the large event and is let go after it; what follows is unaffected
        String big = "data: " + HEAD + "[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(40_000) + "\"}}],\"usage\":null}\n\n";
        String all = C1 + big + C2 + USAGE + DONE;
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < all.length(); i += 15_000) chunks.add(all.substring(i, Math.min(all.length(), i + 15_000)));
        chunks.add(1, ""); // an empty chunk too
        UsageTrace trace = UsageTrace.on();
        assertEquals(C1S + big.replace(",\"usage\":null", "") + C2S + DONE, run(chunks, trace, true));
        assertEquals(Optional.of(new Usage(9, 2, 0, 0, false)), trace.reported());
    }

    @Test
    void aRunWithoutAnEventEndLongerThanTheBoundPassesUnexaminedAndNothingIsLost() throws Exception {
        String run = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "y".repeat(StreamUsage.MAX_PENDING) + "\"}}],\"usage\":null}";
        List<String> chunks = new ArrayList<>(List.of(C1));
        for (int i = 0; i < run.length(); i += 100_000) chunks.add(run.substring(i, Math.min(run.length(), i + 100_000)));
        chunks.add("\n\n" + C2 + DONE);
        String out = run(chunks, UsageTrace.on(), true);
        // the bounded run goes out as it came (its null usage with it); the events around it are still cut
        assertEquals(C1S + run + "\n\n" + C2S + DONE, out);
    }

    @Test
    void aResponsesStreamIsReadFromItsCompletedEventAndPassesUntouched() throws Exception {
        String created = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"usage\":null}}\n\n";
        String delta = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n";
        String done = "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\","
                + "\"usage\":{\"input_tokens\":7,\"input_tokens_details\":{\"cached_tokens\":2},\"output_tokens\":3,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":1},\"total_tokens\":10}}}\n\n";
        UsageTrace trace = UsageTrace.on();
        assertEquals(created + delta + done, run(List.of(created, delta, done), trace, false));
        assertEquals(Optional.of(new Usage(7, 3, 2, 1, false)), trace.reported());
    }

    @Test
    void anUnterminatedTailIsStillDelivered() throws Exception {
        UsageTrace trace = UsageTrace.on();
        assertEquals(C1S + "data: {\"partial", run(List.of(C1, "data: {\"partial"), trace, true));
    }

    @Test
    void anUnreportedStreamIsCountedFromItsTextAndMarkedEstimated() throws Exception {
        UsageTrace trace = UsageTrace.on();
        run(List.of(C1, C2), trace, true);
        byte[] request = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the world\"}]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Usage u = trace.resolve("gpt-4o-mini", Optional.of(modrelay.moderation.text.ChatDialect.INSTANCE), request);
        assertEquals(new Usage(TokenCounter.count("gpt-4o-mini", "Say hello to the world"),
                TokenCounter.count("gpt-4o-mini", "Hello"), 0, 0, true), u);
        assertTrue(u.prompt() > 0 && u.completion() > 0);
        Duration.ofSeconds(1);
    }

    @Test
    void aNullUsageIsCutOutWhereverItSitsInItsObjectAndHoweverItIsSpaced() throws Exception {
        String first = "data: {\"usage\":null,\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\n\n";
        String spaced = "data: {\"id\": \"c\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \"B\"}}] , \"usage\" : null }\n\n";
        String alone = "data: {\"usage\":null}\n\n";
        String all = first + spaced + alone + USAGE + DONE;
        String expected = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\n\n"
                + "data: {\"id\": \"c\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \"B\"}}]  }\n\n"
                + "data: {}\n\n" + DONE;
        for (List<String> chunks : chunkings(all)) {
            assertEquals(expected, run(chunks, UsageTrace.on(), true), "chunked as " + chunks.size());
        }
    }

    @Test
    void usageWrittenInsideTheTextOrWithAnotherValueIsLeftAlone() throws Exception {
        // the model's own text may say "usage":null (escaped inside its JSON string); a usage that is neither null nor an
        // object is not what the relay asked for: both pass byte for byte
        String quoted = "data: " + HEAD + "[{\"index\":0,\"delta\":{\"content\":\"write \\\"usage\\\":null here\"}}]}\n\n";
        String number = "data: " + HEAD + "[{\"index\":0,\"delta\":{\"content\":\"x\"}}],\"usage\":3}\n\n";
        for (List<String> chunks : chunkings(quoted + number + DONE)) {
            UsageTrace trace = UsageTrace.on();
            assertEquals(quoted + number + DONE, run(chunks, trace, true), "chunked as " + chunks.size());
            assertTrue(trace.reported().isEmpty());
        }
    }
}
