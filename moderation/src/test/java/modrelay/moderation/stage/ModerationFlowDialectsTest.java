package modrelay.moderation.stage;

import akka.actor.ActorSystem;
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
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationListener.Summary;
import modrelay.moderation.Moderator;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.text.CompletionsDialect;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.ResponsesDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static modrelay.moderation.stage.ModerationFlowChatTest.BLOCKED;
import static modrelay.moderation.stage.ModerationFlowChatTest.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModerationFlowDialectsTest {

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("ModerationFlowDialectsTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    static ByteString run(Dialect dialect, ByteString upstream, Moderator moderator, RecordingListener listener) throws Exception {
        List<ByteString> out = Source.from(Sse.randomChunks(upstream, new Random(3), 23))
                .via(ModerationFlow.create(dialect, moderator, options(), listener))
                .runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return Sse.concat(out);
    }

    static final List<String> DELTAS = List.of("The first ", "sentence. ", "The second ", "bad one. ", "The third.");

    @Test
    void cleanResponsesStreamArrivesByteForByte() throws Exception {
        ByteString upstream = new ResponsesSse().start().deltas(DELTAS).finish(String.join("", DELTAS)).bytes();
        var listener = new RecordingListener();
        ByteString got = run(ResponsesDialect.INSTANCE, upstream, ScriptedModerator.passingAll(), listener);
        assertEquals(upstream.utf8String(), got.utf8String());
        Summary summary = listener.summary();
        assertEquals(String.join("", DELTAS), summary.releasedText());
        assertEquals("stop", summary.finishReason());
        assertEquals("{\"input_tokens\":3,\"output_tokens\":7,\"total_tokens\":10}", summary.usageJson());
    }

    @Test
    void responsesCutEndsWithNoticeAndIncomplete() throws Exception {
        ByteString upstream = new ResponsesSse().start().deltas(DELTAS).finish(String.join("", DELTAS)).bytes();
        var listener = new RecordingListener();
        ByteString got = run(ResponsesDialect.INSTANCE, upstream, ScriptedModerator.blocking("bad"), listener);
        List<Sse.Event> events = Sse.events(got);
        List<String> types = events.stream().map(Sse.Event::event).toList();
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.incomplete"),
                types);
        JsonNode notice = events.get(6).json();
        assertEquals(BLOCKED, notice.path("delta").asText());
        assertEquals("msg_1", notice.path("item_id").asText());
        assertEquals(0, notice.path("output_index").asInt());
        assertEquals(0, notice.path("content_index").asInt());
        assertEquals("The first sentence. " + BLOCKED, events.get(7).json().path("text").asText());
        assertEquals("The first sentence. " + BLOCKED, events.get(8).json().path("part").path("text").asText());
        JsonNode item = events.get(9).json().path("item");
        assertEquals("msg_1", item.path("id").asText());
        assertEquals("incomplete", item.path("status").asText());
        JsonNode end = events.get(10).json();
        assertEquals("response.incomplete", end.path("type").asText());
        JsonNode response = end.path("response");
        assertEquals("incomplete", response.path("status").asText());
        assertEquals("content_filter", response.path("incomplete_details").path("reason").asText());
        assertEquals("resp_1", response.path("id").asText());
        assertEquals("response", response.path("object").asText());
        assertEquals(1_700_000_002, response.path("created_at").asLong());
        assertEquals("gpt-test", response.path("model").asText());
        assertEquals(item, response.path("output").path(0), "output holds what the client was shown");
        JsonNode usage = response.path("usage");
        assertEquals(5, usage.path("output_tokens").asInt(), "no upstream usage yet: 20 released characters / 4");
        assertEquals(0, usage.path("input_tokens").asInt());
        assertEquals(5, usage.path("total_tokens").asInt());
        assertTrue(usage.path("input_tokens_details").path("cached_tokens").isInt());
        assertTrue(usage.path("output_tokens_details").path("reasoning_tokens").isInt());
        long previous = -1;
        for (Sse.Event e : events) {
            long seq = e.json().path("sequence_number").asLong();
            assertEquals(previous + 1, seq, "sequence numbers continue the upstream's: " + types);
            previous = seq;
        }
        assertEquals("The first sentence. ", events.get(4).json().path("delta").asText()
                + events.get(5).json().path("delta").asText());
        assertTrue(listener.summary().cut());
        assertFalse(got.utf8String().contains("[DONE]"), "no [DONE] in the Responses API");
    }

    @Test
    void responsesDoneEventsWaitBehindPendingText() throws Exception {
        // the upstream sends the final text events right after an unfinished sentence: they repeat the
        // whole text, so none of them may overtake the pending, not yet moderated delta
        ByteString upstream = new ResponsesSse().start().deltas(List.of("Fine. ", "Then bad")).finish("Fine. Then bad").bytes();
        var listener = new RecordingListener();
        ByteString got = run(ResponsesDialect.INSTANCE, upstream, ScriptedModerator.blocking("bad"), listener);
        String text = got.utf8String();
        assertFalse(text.contains("Then bad"), "the blocked text is not repeated by a done event");
        assertFalse(text.contains("response.completed"));
        assertTrue(text.contains("\"text\":\"Fine. " + BLOCKED + "\""), "the part closes with what the client saw");
        assertTrue(text.contains("\"delta\":\"Fine. \""));
    }

    @Test
    void completionsPassAndCut() throws Exception {
        ByteString upstream = Sse.data(Sse.completionChunk("Once upon ", null), Sse.completionChunk("a time. ", null),
                Sse.completionChunk("A bad wolf.", null), Sse.completionChunk("", "stop"), Sse.DONE);
        var clean = new RecordingListener();
        assertEquals(upstream.utf8String(), run(CompletionsDialect.INSTANCE, upstream, ScriptedModerator.passingAll(), clean).utf8String());
        assertEquals("stop", clean.summary().finishReason());

        var cut = new RecordingListener();
        List<Sse.Event> events = Sse.events(run(CompletionsDialect.INSTANCE, upstream, ScriptedModerator.blocking("wolf"), cut));
        assertEquals("Once upon a time. " + BLOCKED, Sse.choiceText(events));
        JsonNode finish = events.get(events.size() - 2).json();
        assertEquals("text_completion", finish.path("object").asText());
        assertEquals("cmpl-7", finish.path("id").asText());
        assertEquals("content_filter", finish.path("choices").path(0).path("finish_reason").asText());
        assertEquals("[DONE]", events.get(events.size() - 1).data());
    }

    /** A moderator whose answers the test gives by hand, in any order. */
    record Call(String text, CompletableFuture<Verdict> answer) {}

    @Test
    void framesAreModeratedConcurrentlyAndReleasedInOrder() throws Exception {
        LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
        Moderator manual = ScriptedModerator.stages(text -> {
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            calls.add(new Call(text, answer));
            return (CompletionStage<Verdict>) answer;
        });
        var mat = TestSource.<ByteString>create(system)
                .via(ModerationFlow.create(modrelay.moderation.text.ChatDialect.INSTANCE, manual, options(), new RecordingListener()))
                .toMat(TestSink.create(system), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        TestSubscriber.Probe<ByteString> client = mat.second();
        client.request(10);

        ByteString one = Sse.data(Sse.chatChunk("One. "));
        ByteString two = Sse.data(Sse.chatChunk("Two. "));
        ByteString three = Sse.data(Sse.chatChunk("Three. "));
        upstream.sendNext(one);
        Call first = calls.poll(5, TimeUnit.SECONDS);
        upstream.sendNext(two);
        Call second = calls.poll(5, TimeUnit.SECONDS);
        upstream.sendNext(three);
        Call third = calls.poll(5, TimeUnit.SECONDS);
        assertNotNull(third, "all three frames are with the moderator at once");
        assertEquals(List.of("One. ", "Two. ", "Three. "), List.of(first.text(), second.text(), third.text()));

        third.answer().complete(ScriptedModerator.judged(Suggestion.PASS));
        second.answer().complete(ScriptedModerator.judged(Suggestion.PASS));
        first.answer().complete(ScriptedModerator.judged(Suggestion.PASS));
        assertEquals(one, client.expectNext());
        assertEquals(two, client.expectNext());
        assertEquals(three, client.expectNext());
        upstream.sendComplete();
        client.expectComplete();
    }

    @Test
    void aLaterBlockedFrameAnsweredFirstStillReleasesEarlierPassedFrames() throws Exception {
        LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
        Moderator manual = ScriptedModerator.stages(text -> {
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            calls.add(new Call(text, answer));
            return answer;
        });
        var listener = new RecordingListener();
        var mat = TestSource.<ByteString>create(system)
                .via(ModerationFlow.create(modrelay.moderation.text.ChatDialect.INSTANCE, manual,
                        new ModerationOptions(modrelay.moderation.ModerationLevel.HIGH, modrelay.moderation.FailMode.CLOSED,
                                BLOCKED, "u", 200, java.time.Duration.ofSeconds(30), 4, ModerationContext.NONE), listener))
                .toMat(Sink.seq(), Keep.both()).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        upstream.sendNext(Sse.data(Sse.chatChunk("Good. ")));
        Call good = calls.poll(5, TimeUnit.SECONDS);
        upstream.sendNext(Sse.data(Sse.chatChunk("Evil. ")));
        Call evil = calls.poll(5, TimeUnit.SECONDS);
        evil.answer().complete(ScriptedModerator.judged(Suggestion.BLOCK));
        good.answer().complete(ScriptedModerator.judged(Suggestion.PASS));
        upstream.expectCancellation();
        List<Sse.Event> events = Sse.events(Sse.concat(mat.second().toCompletableFuture().get(5, TimeUnit.SECONDS)));
        assertEquals("Good. " + BLOCKED, Sse.choiceText(events));
        assertEquals("Good. ", listener.summary().releasedText());
    }

    @Test
    void sentencesThatBecomeReadyWhileTheModeratorIsBusyShareOneCall() throws Exception {
        LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
        Moderator manual = ScriptedModerator.stages(text -> {
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            calls.add(new Call(text, answer));
            return answer;
        });
        var oneAtATime = new ModerationOptions(modrelay.moderation.ModerationLevel.HIGH, modrelay.moderation.FailMode.CLOSED,
                BLOCKED, "u", 200, java.time.Duration.ofSeconds(30), 1, ModerationContext.NONE);
        var listener = new RecordingListener();
        // An input buffer of one: the stream asks the upstream for the next chunk only once it has taken
        // the previous one, which the test can wait for (below).
        var mat = TestSource.<ByteString>create(system)
                .via(ModerationFlow.create(modrelay.moderation.text.ChatDialect.INSTANCE, manual, oneAtATime, listener))
                .toMat(Sink.seq(), Keep.both()).addAttributes(akka.stream.Attributes.inputBuffer(1, 1)).run(system);
        TestPublisher.Probe<ByteString> upstream = mat.first();
        upstream.sendNext(Sse.data(Sse.chatChunk("One. ")));
        Call first = calls.poll(5, TimeUnit.SECONDS);
        // One upstream chunk, handled in one go once taken. The stream takes it only after it has finished
        // with "One." (an answer given while it was still there was seen at once, and let "Two." go alone).
        upstream.sendNext(Sse.data(Sse.chatChunk("Two. "), Sse.chatChunk("Three. "), Sse.chatChunk("Four. ")));
        upstream.expectRequest(); // the chunk was taken: the three sentences are framed before the answer below is seen
        upstream.sendComplete();
        first.answer().complete(ScriptedModerator.judged(Suggestion.PASS));
        Call merged = calls.poll(5, TimeUnit.SECONDS);
        assertEquals("Two. Three. Four. ", merged.text());
        merged.answer().complete(ScriptedModerator.judged(Suggestion.PASS));
        List<ByteString> releases = mat.second().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(2, releases.size(), "one release per moderated frame");
        assertEquals("One. Two. Three. Four. ", listener.summary().releasedText());
        assertTrue(calls.isEmpty());
    }
}
