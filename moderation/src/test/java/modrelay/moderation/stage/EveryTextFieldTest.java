package modrelay.moderation.stage;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.text.ChatDialect;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.Json;
import modrelay.moderation.text.ResponsesDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static modrelay.moderation.stage.ModerationFlowChatTest.BLOCKED;
import static modrelay.moderation.stage.ModerationFlowChatTest.UNAVAILABLE;
import static modrelay.moderation.stage.ModerationFlowChatTest.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate as an attacker probes it: model text in every field a client renders, streamed and repeated
 * whole, and events that cannot be read. Nothing the moderator did not pass may reach the client.
 */
class EveryTextFieldTest {

    static final String BAD = "FORBIDDEN";

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("EveryTextFieldTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    static ByteString run(Dialect dialect, ByteString upstream, ScriptedModerator moderator, ModerationOptions options,
                          RecordingListener listener) throws Exception {
        List<ByteString> out = Source.from(Sse.randomChunks(upstream, new Random(11), 31))
                .via(ModerationFlow.create(dialect, moderator, options, listener))
                .runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return Sse.concat(out);
    }

    static String chunk(String deltaJson) {
        return "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + deltaJson + ",\"finish_reason\":null}]}";
    }

    static String withMessage(String messageJson) {
        return "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"message\":" + messageJson + ",\"finish_reason\":\"stop\"}]}";
    }

    /** Each chat field that carries model text, with the blocked word split over two deltas. */
    static final Map<String, List<String>> CHAT_FIELDS = Map.of(
            "content", List.of(chunk("{\"content\":\"Fine. FORBI\"}"), chunk("{\"content\":\"DDEN here.\"}")),
            "content parts", List.of(chunk("{\"content\":[{\"type\":\"text\",\"text\":\"FORBIDDEN\"}]}")),
            "reasoning_content", List.of(chunk("{\"reasoning_content\":\"I think FORBI\"}"), chunk("{\"reasoning_content\":\"DDEN\"}")),
            "reasoning", List.of(chunk("{\"reasoning\":\"I think FORBI\"}"), chunk("{\"reasoning\":\"DDEN\"}")),
            "refusal", List.of(chunk("{\"refusal\":\"No: FORBI\"}"), chunk("{\"refusal\":\"DDEN\"}")),
            "tool arguments", List.of(
                    chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"),
                    chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"q\\\":\\\"FORBI\"}}]}"),
                    chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"DDEN\\\"}\"}}]}")),
            "second tool's arguments", List.of(
                    chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}},{\"index\":1,\"function\":{\"arguments\":\"FORBIDDEN\"}}]}")),
            "legacy function_call", List.of(chunk("{\"function_call\":{\"name\":\"f\",\"arguments\":\"FORBIDDEN\"}}")),
            "audio transcript", List.of(chunk("{\"audio\":{\"id\":\"a\",\"transcript\":\"FORBI\"}}"), chunk("{\"audio\":{\"transcript\":\"DDEN\"}}")),
            "a message repeated whole with other text", List.of(chunk("{\"content\":\"Fine.\"}"),
                    withMessage("{\"role\":\"assistant\",\"content\":\"Fine. FORBIDDEN\"}")));

    @Test
    void blockedTextInAnyChatFieldIsCut() throws Exception {
        for (var field : CHAT_FIELDS.entrySet()) {
            List<String> payloads = new java.util.ArrayList<>(field.getValue());
            payloads.add(Sse.chatFinish("stop"));
            payloads.add(Sse.DONE);
            var listener = new RecordingListener();
            ByteString got = run(ChatDialect.INSTANCE, Sse.data(payloads.toArray(String[]::new)),
                    ScriptedModerator.blocking(BAD), options(), listener);
            String text = got.utf8String();
            assertFalse(text.contains("FORBI") && text.contains("DDEN"), field.getKey() + ": " + text);
            assertFalse(text.contains(BAD), field.getKey() + ": " + text);
            assertTrue(listener.summary().cut(), field.getKey());
            assertTrue(text.contains(BLOCKED), field.getKey());
            assertTrue(text.endsWith("data: [DONE]\n\n"), field.getKey());
        }
    }

    @Test
    void logprobAlternativesAreJudgedButNotCountedAsTheAnswer() throws Exception {
        String withLogprobs = chunk("{\"content\":\"Fine.\"}").replace("\"finish_reason\":null",
                "\"logprobs\":{\"content\":[{\"token\":\"Fine.\",\"logprob\":-0.1,\"top_logprobs\":[{\"token\":\"FORBIDDEN\",\"logprob\":-2}]}]},"
                        + "\"finish_reason\":null");
        var listener = new RecordingListener();
        ByteString got = run(ChatDialect.INSTANCE, Sse.data(withLogprobs, Sse.DONE), ScriptedModerator.blocking(BAD), options(), listener);
        assertFalse(got.utf8String().contains(BAD));
        assertTrue(listener.summary().cut());

        var clean = new RecordingListener();
        String fine = withLogprobs.replace("FORBIDDEN", "Good");
        ByteString passed = run(ChatDialect.INSTANCE, Sse.data(fine, Sse.DONE), ScriptedModerator.blocking(BAD), options(), clean);
        assertEquals(Sse.data(fine, Sse.DONE).utf8String(), passed.utf8String());
        assertEquals("Fine.", clean.summary().releasedText(), "logs read the answer, not its tokens");
    }

    @Test
    void toolArgumentsAreTheirOwnTextStreamNeverInsideTheContentsSentence() throws Exception {
        ByteString upstream = Sse.data(chunk("{\"content\":\"Let me look that up\"}"),
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"q\\\":\"}}]}"),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"paris\\\"}\"}}]}"),
                Sse.chatFinish("tool_calls"), Sse.DONE);
        var moderator = ScriptedModerator.passingAll();
        ByteString got = run(ChatDialect.INSTANCE, upstream, moderator, options(), new RecordingListener());
        assertEquals(upstream.utf8String(), got.utf8String());
        String judged = String.join("\n", moderator.calls);
        assertTrue(judged.contains("{\"q\":\"paris\"}"), "the arguments are judged whole: " + moderator.calls);
        for (String line : judged.split("\n")) {
            assertFalse(line.contains("up{"), "content and arguments are never one text: " + moderator.calls);
        }
    }

    @Test
    void aMessageThatRepeatsTheStreamedTextCostsNoExtraCall() throws Exception {
        ByteString upstream = Sse.data(chunk("{\"content\":\"All fine here.\"}"),
                withMessage("{\"role\":\"assistant\",\"content\":\"All fine here.\"}"), Sse.DONE);
        var moderator = ScriptedModerator.passingAll();
        ByteString got = run(ChatDialect.INSTANCE, upstream, moderator, options(), new RecordingListener());
        assertEquals(upstream.utf8String(), got.utf8String());
        assertEquals(List.of("All fine here."), moderator.calls);
    }

    // ---- Responses API

    static ResponsesSse typed(ResponsesSse sse, String type, String json) {
        return sse.event(type, (ObjectNode) Json.parseOrNull(json));
    }

    @Test
    void blockedTextInAnyResponsesDeltaIsCut() throws Exception {
        List<String> deltaTypes = List.of("response.output_text.delta", "response.refusal.delta",
                "response.reasoning_text.delta", "response.reasoning_summary_text.delta",
                "response.function_call_arguments.delta", "response.audio.transcript.delta",
                "response.code_interpreter_call_code.delta", "response.some_future_text.delta");
        for (String type : deltaTypes) {
            ResponsesSse sse = new ResponsesSse().start();
            typed(sse, type, "{\"item_id\":\"it_1\",\"output_index\":1,\"content_index\":0,\"summary_index\":0,\"delta\":\"FORBI\"}");
            typed(sse, type, "{\"item_id\":\"it_1\",\"output_index\":1,\"content_index\":0,\"summary_index\":0,\"delta\":\"DDEN\"}");
            sse.finish("");
            var listener = new RecordingListener();
            ByteString got = run(ResponsesDialect.INSTANCE, sse.bytes(), ScriptedModerator.blocking(BAD), options(), listener);
            assertFalse(got.utf8String().contains("DDEN"), type);
            assertTrue(listener.summary().cut(), type);
            assertTrue(got.utf8String().contains("response.incomplete"), type);
        }
    }

    /** Events that repeat text whole, each carrying text that was never streamed. */
    static final Map<String, String[]> RESPONSES_REPEATS = Map.of(
            "output_text.done", new String[] {"response.output_text.done",
                    "{\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"Fine. FORBIDDEN\"}"},
            "content_part.done", new String[] {"response.content_part.done",
                    "{\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"FORBIDDEN\"}}"},
            "refusal part", new String[] {"response.content_part.done",
                    "{\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":1,\"part\":{\"type\":\"refusal\",\"refusal\":\"FORBIDDEN\"}}"},
            "output_item.done message", new String[] {"response.output_item.done",
                    "{\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"FORBIDDEN\"}]}}"},
            "output_item.done function call", new String[] {"response.output_item.done",
                    "{\"output_index\":1,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"FORBIDDEN\"}}"},
            "output_item.added reasoning summary", new String[] {"response.output_item.added",
                    "{\"output_index\":1,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"FORBIDDEN\"}]}}"},
            "function_call_arguments.done", new String[] {"response.function_call_arguments.done",
                    "{\"item_id\":\"fc_1\",\"output_index\":1,\"arguments\":\"FORBIDDEN\"}"},
            "response.completed", new String[] {"response.completed",
                    "{\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[{\"id\":\"msg_1\",\"type\":\"message\","
                            + "\"content\":[{\"type\":\"output_text\",\"text\":\"Fine. FORBIDDEN\"}]}]}}"});

    @Test
    void aRepeatThatSaysMoreThanWasStreamedIsJudged() throws Exception {
        for (var repeat : RESPONSES_REPEATS.entrySet()) {
            ResponsesSse sse = new ResponsesSse().start().deltas(List.of("Fine. "));
            typed(sse, repeat.getValue()[0], repeat.getValue()[1]);
            var listener = new RecordingListener();
            ByteString got = run(ResponsesDialect.INSTANCE, sse.bytes(), ScriptedModerator.blocking(BAD), options(), listener);
            assertFalse(got.utf8String().contains(BAD), repeat.getKey() + ": " + got.utf8String());
            assertTrue(listener.summary().cut(), repeat.getKey());
            assertTrue(got.utf8String().contains("\"delta\":\"Fine. \""), repeat.getKey() + ": the passed text was released");
        }
    }

    @Test
    void repeatsOfWhatWasStreamedCostNoCall() throws Exception {
        List<String> deltas = List.of("The first ", "sentence. ", "The second.");
        String whole = String.join("", deltas);
        ResponsesSse sse = new ResponsesSse().start().deltas(deltas);
        typed(sse, "response.output_text.done", "{\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"" + whole + "\"}");
        typed(sse, "response.content_part.done", "{\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
                + "\"part\":{\"type\":\"output_text\",\"text\":\"" + whole + "\"}}");
        String item = "{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"" + whole + "\"}]}";
        typed(sse, "response.output_item.done", "{\"output_index\":0,\"item\":" + item + "}");
        typed(sse, "response.completed", "{\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[" + item + "]}}");
        var moderator = ScriptedModerator.passingAll();
        ByteString got = run(ResponsesDialect.INSTANCE, sse.bytes(), moderator, options(), new RecordingListener());
        assertEquals(sse.bytes().utf8String(), got.utf8String());
        assertEquals(List.of("The first sentence. ", "The second."), moderator.calls,
                "only the streamed deltas were judged, not the four repeats");
    }

    // ---- unreadable events

    static final Map<String, String> UNREADABLE_CHAT = Map.of(
            "not JSON", "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"FORBIDDEN",
            "a JSON string", "\"FORBIDDEN\"",
            "content as an object", chunk("{\"content\":{\"text\":\"FORBIDDEN\"}}"),
            "refusal as a number", chunk("{\"refusal\":7}"),
            "choices as an object", "{\"choices\":{\"0\":{\"delta\":{\"content\":\"FORBIDDEN\"}}}}",
            "tool calls as a string", chunk("{\"tool_calls\":\"FORBIDDEN\"}"));

    @Test
    void anUnreadableChatEventCutsWithTheUnavailableNoticeEvenWhenFailingOpen() throws Exception {
        for (var bad : UNREADABLE_CHAT.entrySet()) {
            ByteString upstream = Sse.data(chunk("{\"content\":\"Fine. \"}"), bad.getValue(), chunk("{\"content\":\"after\"}"), Sse.DONE);
            var listener = new RecordingListener();
            var moderator = ScriptedModerator.passingAll();
            ByteString got = run(ChatDialect.INSTANCE, upstream, moderator,
                    options(ModerationLevel.LOW, FailMode.OPEN), listener);
            String text = got.utf8String();
            assertFalse(text.contains(BAD), bad.getKey() + ": " + text);
            assertFalse(text.contains("after"), bad.getKey());
            assertTrue(text.contains("\"content\":\"Fine. \""), bad.getKey() + ": text before it was judged and released");
            assertTrue(text.contains(UNAVAILABLE), bad.getKey());
            assertTrue(text.endsWith("data: [DONE]\n\n"), bad.getKey());
            assertTrue(listener.summary().cut(), bad.getKey());
            assertEquals(FrameOutcome.CUT_UNAVAILABLE, listener.outcomes().get(listener.outcomes().size() - 1), bad.getKey());
        }
    }

    @Test
    void anUnreadableResponsesEventCuts() throws Exception {
        ResponsesSse sse = new ResponsesSse().start().deltas(List.of("Fine. "));
        ByteString upstream = sse.bytes().concat(ByteString.fromString("event: response.output_text.delta\ndata: {\"delta\":\"FORBIDDEN\n\n"));
        var listener = new RecordingListener();
        ByteString got = run(ResponsesDialect.INSTANCE, upstream, ScriptedModerator.passingAll(), options(), listener);
        assertFalse(got.utf8String().contains(BAD));
        assertTrue(got.utf8String().contains(UNAVAILABLE));
        assertTrue(got.utf8String().contains("response.incomplete"));
        assertTrue(listener.summary().cut());
    }

    @Test
    void withModerationOffAnUnreadableEventPassesAsItCame() throws Exception {
        ByteString upstream = Sse.data(chunk("{\"content\":\"Fine. \"}"), "not json", Sse.DONE);
        ByteString got = run(ChatDialect.INSTANCE, upstream, ScriptedModerator.passingAll(),
                options(ModerationLevel.OFF, FailMode.CLOSED), new RecordingListener());
        assertEquals(upstream.utf8String(), got.utf8String());
    }
}
