package modrelay.moderation.stage;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestPublisher;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.stream.testkit.javadsl.TestSource;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.ModerationListener.Summary;
import modrelay.moderation.Moderator;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.text.ChatDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import scala.concurrent.duration.FiniteDuration;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModerationFlowChatTest {

    static final String BLOCKED = "Sorry, this answer was withheld.";
    static final String UNAVAILABLE = "Moderation is unavailable right now.";

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("ModerationFlowChatTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    static ModerationOptions options(ModerationLevel level, FailMode failMode) {
        return new ModerationOptions(level, failMode, BLOCKED, UNAVAILABLE, 200, Duration.ofSeconds(30), 4,
                new ModerationContext("req-1", "user-1"));
    }

    static ModerationOptions options() {
        return options(ModerationLevel.HIGH, FailMode.CLOSED);
    }

    static Flow<ByteString, ByteString, ?> flow(Moderator moderator, ModerationOptions options, RecordingListener listener) {
        return ModerationFlow.create(ChatDialect.INSTANCE, moderator, options, listener);
    }

    /** Runs the upstream bytes, cut into the given chunks, through the flow; returns what the client got. */
    static ByteString run(List<ByteString> upstream, Moderator moderator, ModerationOptions options,
                          RecordingListener listener) throws Exception {
        List<ByteString> out = Source.from(upstream).via(flow(moderator, options, listener))
                .runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return Sse.concat(out);
    }

    static final ByteString CLEAN = Sse.data(
            Sse.chatRole(),
            Sse.chatChunk("Hello "), Sse.chatChunk("world. "), Sse.chatChunk("你好，"), Sse.chatChunk("世界。"),
            Sse.chatChunk("How are "), Sse.chatChunk("you? 😀"), Sse.chatChunk(" Pi is 3."), Sse.chatChunk("14 today"),
            Sse.chatFinish("stop"), Sse.chatUsage(), Sse.DONE);
    static final String CLEAN_TEXT = "Hello world. 你好，世界。How are you? 😀 Pi is 3.14 today";

    @Test
    void cleanStreamArrivesByteForByte() throws Exception {
        var moderator = ScriptedModerator.passingAll();
        var listener = new RecordingListener();
        ByteString got = run(Sse.randomChunks(CLEAN, new Random(7), 17), moderator, options(), listener);

        assertEquals(CLEAN.utf8String(), got.utf8String());
        Summary summary = listener.summary();
        assertEquals(CLEAN_TEXT, summary.releasedText());
        assertFalse(summary.cut());
        assertEquals("stop", summary.finishReason());
        assertEquals("{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}", summary.usageJson());
        assertTrue(moderator.calls.size() >= 3, "sentences are moderated separately: " + moderator.calls);
        assertTrue(listener.outcomes().stream().allMatch(o -> o == FrameOutcome.RELEASED));
        // "3." ends a chunk, so it is judged at once; "14" is then judged together with it, never alone
        assertTrue(moderator.calls.stream().anyMatch(t -> t.contains("Pi is 3.14 today")), moderator.calls.toString());
    }

    @Test
    void blockInSecondSentenceCutsAfterTheFirstAndCancelsUpstream() throws Exception {
        var moderator = ScriptedModerator.blocking("bad");
        var listener = new RecordingListener();
        var mat = TestSource.<ByteString>create(system)
                .via(flow(moderator, options(), listener))
                .toMat(Sink.seq(), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        String first = Sse.chatChunk("Sentence ");
        String second = Sse.chatChunk("one. ");
        upstream.sendNext(Sse.data(Sse.chatRole()));
        upstream.sendNext(Sse.data(first, second));
        upstream.sendNext(Sse.data(Sse.chatChunk("Second ")));
        upstream.sendNext(Sse.data(Sse.chatChunk("bad "), Sse.chatChunk("one. ")));
        upstream.expectCancellation();

        ByteString got = Sse.concat(mat.second().toCompletableFuture().get(10, TimeUnit.SECONDS));
        List<Sse.Event> events = Sse.events(got);
        assertEquals(List.of(Sse.chatRole(), first, second), events.subList(0, 3).stream().map(Sse.Event::data).toList());
        assertEquals(6, events.size(), got.utf8String());
        JsonNode notice = events.get(3).json();
        assertEquals("chatcmpl-42", notice.path("id").asText());
        assertEquals("chat.completion.chunk", notice.path("object").asText());
        assertEquals(1_700_000_000, notice.path("created").asLong());
        assertEquals("gpt-test", notice.path("model").asText());
        assertEquals(BLOCKED, notice.path("choices").path(0).path("delta").path("content").asText());
        assertTrue(notice.path("choices").path(0).path("finish_reason").isNull());
        JsonNode finish = events.get(4).json();
        assertEquals("content_filter", finish.path("choices").path(0).path("finish_reason").asText());
        assertTrue(finish.path("choices").path(0).path("delta").isEmpty());
        assertEquals("[DONE]", events.get(5).data());

        Summary summary = listener.summary();
        assertTrue(summary.cut());
        assertEquals("Sentence one. ", summary.releasedText());
        assertEquals("content_filter", summary.finishReason());
        assertEquals(List.of(FrameOutcome.RELEASED, FrameOutcome.CUT_BLOCKED), listener.outcomes());
        // the blocked frame was judged with the head of its sentence carried over: nothing released before "bad"
        assertEquals("Second bad one. ", moderator.calls.get(1));
    }

    @Test
    void reviewCutsAtHighButPassesAtLow() throws Exception {
        ByteString upstream = Sse.data(Sse.chatChunk("This is fine. "), Sse.chatChunk("This is meh. "),
                Sse.chatChunk("The end."), Sse.chatFinish("stop"), Sse.DONE);

        var low = new RecordingListener();
        ByteString lowGot = run(List.of(upstream), ScriptedModerator.flagging("meh", Suggestion.REVIEW),
                options(ModerationLevel.LOW, FailMode.CLOSED), low);
        assertEquals(upstream.utf8String(), lowGot.utf8String());
        assertFalse(low.summary().cut());

        var high = new RecordingListener();
        ByteString highGot = run(List.of(upstream), ScriptedModerator.flagging("meh", Suggestion.REVIEW),
                options(ModerationLevel.HIGH, FailMode.CLOSED), high);
        List<Sse.Event> events = Sse.events(highGot);
        assertEquals("This is fine. " + BLOCKED, Sse.choiceText(events));
        assertTrue(high.summary().cut());
        assertTrue(highGot.utf8String().endsWith("\"finish_reason\":\"content_filter\"}]}\n\ndata: [DONE]\n\n"));
    }

    @Test
    void unavailableModerationFailsClosedOrOpen() throws Exception {
        ByteString upstream = Sse.data(Sse.chatChunk("One. "), Sse.chatChunk("Two."), Sse.chatFinish("stop"), Sse.DONE);
        Verdict unavailable = new Verdict.Unavailable("timeout", "script");

        var closed = new RecordingListener();
        ByteString closedGot = run(List.of(upstream), ScriptedModerator.verdicts(t -> unavailable),
                options(ModerationLevel.HIGH, FailMode.CLOSED), closed);
        assertEquals(UNAVAILABLE, Sse.choiceText(Sse.events(closedGot)));
        assertEquals(List.of(FrameOutcome.CUT_UNAVAILABLE), closed.outcomes());
        assertTrue(closed.summary().cut());

        var open = new RecordingListener();
        ByteString openGot = run(List.of(upstream), ScriptedModerator.verdicts(t -> unavailable),
                options(ModerationLevel.HIGH, FailMode.OPEN), open);
        assertEquals(upstream.utf8String(), openGot.utf8String());
        assertTrue(open.outcomes().stream().allMatch(o -> o == FrameOutcome.RELEASED_UNMODERATED), open.outcomes().toString());
        assertFalse(open.summary().cut());
    }

    @Test
    void failedModeratorFutureCountsAsUnavailable() throws Exception {
        ByteString upstream = Sse.data(Sse.chatChunk("One. "), Sse.chatChunk("Two."), Sse.DONE);
        Moderator failing = ScriptedModerator.stages(t -> CompletableFuture.failedFuture(new IllegalStateException("boom")));

        var closed = new RecordingListener();
        ByteString closedGot = run(List.of(upstream), failing, options(ModerationLevel.HIGH, FailMode.CLOSED), closed);
        List<Sse.Event> events = Sse.events(closedGot);
        assertEquals(UNAVAILABLE, Sse.choiceText(events));
        assertEquals("content_filter", events.get(1).json().path("choices").path(0).path("finish_reason").asText());
        assertTrue(closed.frames.get(0).verdict() instanceof Verdict.Unavailable);

        Moderator throwing = ScriptedModerator.stages(t -> { throw new IllegalStateException("sync boom"); });
        var open = new RecordingListener();
        ByteString openGot = run(List.of(upstream), throwing, options(ModerationLevel.HIGH, FailMode.OPEN), open);
        assertEquals(upstream.utf8String(), openGot.utf8String());
        assertEquals(FrameOutcome.RELEASED_UNMODERATED, open.frames.get(0).outcome());
    }

    @Test
    void trailingTextWithoutPunctuationIsModeratedAndReleased() throws Exception {
        // no finish chunk, no [DONE]: the upstream simply ends
        ByteString upstream = Sse.data(Sse.chatChunk("Done. "), Sse.chatChunk("and then"), Sse.chatChunk(" nothing"));
        var moderator = ScriptedModerator.passingAll();
        var listener = new RecordingListener();
        ByteString got = run(List.of(upstream), moderator, options(), listener);
        assertEquals(upstream.utf8String(), got.utf8String());
        assertEquals("Done. and then nothing", listener.summary().releasedText());
        assertTrue(moderator.calls.stream().anyMatch(t -> t.endsWith("and then nothing")), moderator.calls.toString());

        // and a blocked tail is not released
        var blockedListener = new RecordingListener();
        ByteString blocked = run(List.of(upstream), ScriptedModerator.blocking("nothing"), options(), blockedListener);
        assertEquals("Done. " + BLOCKED, Sse.choiceText(Sse.events(blocked)));
    }

    @Test
    void eventsWithoutTextKeepTheirPlace() {
        var listener = new RecordingListener();
        var mat = TestSource.<ByteString>create(system)
                .via(flow(ScriptedModerator.passingAll(), options(), listener))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        TestSubscriber.Probe<ByteString> client = mat.second();
        client.request(10);

        // nothing pending: a role chunk goes out at once, on its own
        upstream.sendNext(Sse.data(Sse.chatRole()));
        assertEquals(Sse.data(Sse.chatRole()), client.expectNext());

        // text pending: a comment and a tool call queue behind it and come out with it, in order
        ByteString rest = Sse.data(Sse.chatChunk("Let me look"))
                .concat(ByteString.fromString(": keep-alive\n\n"))
                .concat(Sse.data(Sse.chatToolCall("{\"q\":"), Sse.chatChunk(" that up."), Sse.chatToolCall("1}")));
        upstream.sendNext(rest.slice(0, 10));
        upstream.sendNext(rest.slice(10, rest.length()));
        upstream.sendNext(Sse.data(Sse.chatFinish("tool_calls"), Sse.DONE));
        upstream.sendComplete();
        ByteString got = ByteString.emptyByteString();
        for (var next = client.expectNextOrComplete(); next.isRight(); next = client.expectNextOrComplete()) {
            got = got.concat(next.toOption().get());
        }
        // the comment keeps its place but not its text: no one judged it
        String released = rest.utf8String().replace(": keep-alive\n\n", ":\n\n");
        assertEquals(released + Sse.data(Sse.chatFinish("tool_calls"), Sse.DONE).utf8String(), got.utf8String());
    }

    @Test
    void aSentenceIsJudgedAsSoonAsItIsKnownCompleteNotWhenTheNextTokenComes() {
        var moderator = ScriptedModerator.passingAll();
        var mat = TestSource.<ByteString>create(system)
                .via(flow(moderator, options(), new RecordingListener()))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        TestSubscriber.Probe<ByteString> client = mat.second();
        client.request(10);
        upstream.sendNext(Sse.data(Sse.chatRole()));
        assertEquals(Sse.data(Sse.chatRole()), client.expectNext());

        // a chunk ending on '.', as models stream it ("ran", ".", " Then"): judged and released with nothing after it
        ByteString first = Sse.data(Sse.chatChunk("The fox"), Sse.chatChunk(" ran."));
        upstream.sendNext(first);
        assertEquals(first, client.expectNext());
        assertEquals(List.of("The fox ran."), moderator.calls);

        // the last sentence has no terminator: its finish_reason completes it, before [DONE] and the end of the stream
        ByteString last = Sse.data(Sse.chatChunk(" Then it"), Sse.chatChunk(" slept"), Sse.chatFinish("stop"));
        upstream.sendNext(last);
        assertEquals(last, client.expectNext());
        assertEquals(2, moderator.calls.size(), moderator.calls.toString());
        assertTrue(moderator.calls.get(1).endsWith(" Then it slept"), moderator.calls.toString());

        upstream.sendNext(Sse.data(Sse.DONE));
        upstream.sendComplete();
        assertEquals(Sse.data(Sse.DONE), client.expectNext());
        client.expectComplete();
    }

    @Test
    void maxHoldReleasesARunOnSentence() {
        var options = new ModerationOptions(ModerationLevel.HIGH, FailMode.CLOSED, BLOCKED, UNAVAILABLE, 500,
                Duration.ofMillis(300), 4, ModerationContext.NONE);
        var moderator = ScriptedModerator.passingAll();
        var mat = TestSource.<ByteString>create(system)
                .via(flow(moderator, options, new RecordingListener()))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        TestSubscriber.Probe<ByteString> client = mat.second();
        client.request(10);
        ByteString runOn = Sse.data(Sse.chatChunk("and it goes on"), Sse.chatChunk(" and on without an end"));
        upstream.sendNext(runOn);
        // Held first: a timer never fires early, so nothing can be released within less than the hold.
        client.expectNoMessage(Duration.ofMillis(200));
        assertTrue(moderator.calls.isEmpty(), "not judged (nor released) before the hold ran out: " + moderator.calls);
        // upstream stays open and sends nothing more: only the hold timer can release this, once judged
        assertEquals(runOn, client.expectNext(FiniteDuration.create(5, TimeUnit.SECONDS)));
        assertEquals(1, moderator.calls.size(), moderator.calls.toString());
        upstream.sendComplete();
        client.expectComplete();
    }

    @Test
    void maxFrameCharsFramesALongSentence() throws Exception {
        var options = new ModerationOptions(ModerationLevel.HIGH, FailMode.CLOSED, BLOCKED, UNAVAILABLE, 20,
                Duration.ofSeconds(30), 4, ModerationContext.NONE);
        String[] words = "one two three four five six seven eight nine ten eleven twelve".split(" ");
        ByteString upstream = ByteString.emptyByteString();
        for (String w : words) upstream = upstream.concat(Sse.data(Sse.chatChunk(w + " ")));
        var moderator = ScriptedModerator.passingAll();
        ByteString got = run(List.of(upstream), moderator, options, new RecordingListener());
        assertEquals(upstream.utf8String(), got.utf8String());
        assertTrue(moderator.calls.size() >= 3, moderator.calls.toString());
    }

    @Test
    void upstreamFailurePropagatesAndReleasesNothingPending() throws Exception {
        var listener = new RecordingListener();
        var mat = TestSource.<ByteString>create(system)
                .via(flow(ScriptedModerator.passingAll(), options(), listener))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        TestSubscriber.Probe<ByteString> client = mat.second();
        client.request(10);
        upstream.sendNext(Sse.data(Sse.chatChunk("Passed. "), Sse.chatChunk("Pending")));
        assertEquals(Sse.data(Sse.chatChunk("Passed. ")), client.expectNext());
        upstream.sendError(new RuntimeException("idle timeout"));
        assertEquals("idle timeout", client.expectError().getMessage());
        Summary summary = listener.summary();
        assertEquals("Passed. ", summary.releasedText());
        assertFalse(summary.cut());
    }

    @Test
    void clientCancelEndsOnceAndCancelsUpstream() throws Exception {
        var listener = new RecordingListener();
        var mat = TestSource.<ByteString>create(system)
                .via(flow(ScriptedModerator.passingAll(), options(), listener))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        mat.second().request(1);
        mat.first().sendNext(Sse.data(Sse.chatChunk("Hi. ")));
        mat.second().expectNext();
        mat.second().cancel();
        mat.first().expectCancellation();
        assertEquals("Hi. ", listener.summary().releasedText());
    }

    @Test
    void rejectsNonsenseOptions() {
        assertThrows(IllegalArgumentException.class, () -> new ModerationOptions(ModerationLevel.HIGH, FailMode.CLOSED,
                BLOCKED, UNAVAILABLE, 200, Duration.ZERO, 4, ModerationContext.NONE));
        assertThrows(IllegalArgumentException.class, () -> new ModerationOptions(ModerationLevel.HIGH, FailMode.CLOSED,
                BLOCKED, UNAVAILABLE, 200, Duration.ofSeconds(1), 0, ModerationContext.NONE));
    }
}
