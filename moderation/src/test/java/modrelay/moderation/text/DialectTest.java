package modrelay.moderation.text;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DialectTest {

    static SseEvent event(String type, String data) {
        return new SseEvent(type, data, ByteString.fromString("data: " + data + "\n\n"));
    }

    @Test
    void dialectsAreNamed() {
        assertEquals("chat", ChatDialect.INSTANCE.name());
    }

    @Test
    void chatReadsContentReasoningFinishAndUsage() {
        DialectEvent e = ChatDialect.INSTANCE.read(event("", "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"reasoning_content\":\"think\",\"content\":\"say\"},\"finish_reason\":null},"
                + "{\"index\":1,\"delta\":{\"content\":\"other\"},\"finish_reason\":\"stop\"}]}"));
        assertEquals(List.of(new TextPiece("r0", "think"), new TextPiece("c0", "say"), new TextPiece("c1", "other")), e.texts());
        assertTrue(e.flush());
        assertEquals("stop", e.finishReason());

        DialectEvent role = ChatDialect.INSTANCE.read(event("", "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}"));
        assertFalse(role.hasText(), "empty content is no text");
        assertFalse(role.flush());
        assertNull(role.usageJson());

        DialectEvent usage = ChatDialect.INSTANCE.read(event("", "{\"choices\":[],\"usage\":{\"total_tokens\":3}}"));
        assertEquals("{\"total_tokens\":3}", usage.usageJson());

        assertTrue(ChatDialect.INSTANCE.read(event("", "[DONE]")).flush());
        assertFalse(ChatDialect.INSTANCE.read(new SseEvent("", null, ByteString.fromString(": c\n\n"))).flush());
        assertFalse(ChatDialect.INSTANCE.read(event("", "not json")).hasText());
    }

    @Test
    void theRelayTellsHowAStreamCarriesAnErrorByTypeNotByName() {
        assertEquals(Dialect.ErrorEventShape.DATA_ERROR_OBJECT, ChatDialect.INSTANCE.errorEventShape());
        assertEquals(Dialect.ErrorEventShape.DATA_ERROR_OBJECT, CompletionsDialect.INSTANCE.errorEventShape());
        assertEquals(Dialect.ErrorEventShape.TYPED_ERROR_EVENT, ResponsesDialect.INSTANCE.errorEventShape());
    }

    @Test
    void chatReadsEveryTextFieldIntoItsOwnTextStream() {
        DialectEvent e = ChatDialect.INSTANCE.read(event("", "{\"choices\":[{\"index\":1,\"delta\":{\"reasoning_content\":\"a\","
                + "\"reasoning\":\"b\",\"content\":\"c\",\"refusal\":\"d\",\"tool_calls\":[{\"index\":2,\"function\":{\"name\":\"n\","
                + "\"arguments\":\"e\"}}],\"function_call\":{\"arguments\":\"f\"},\"audio\":{\"transcript\":\"g\",\"data\":\"AAAA\"}},"
                + "\"message\":{\"content\":\"whole\"}}]}"));
        assertEquals(List.of(new TextPiece("r1", "a"), new TextPiece("g1", "b"), new TextPiece("c1", "c"), new TextPiece("x1", "d"),
                new TextPiece("f1.2", "e"), new TextPiece("fc1", "f"), new TextPiece("a1", "g")), e.texts());
        assertEquals(List.of(new TextPiece("c1", "whole")), e.repeats());
        assertFalse(e.unreadable());
        assertTrue(ChatDialect.INSTANCE.read(event("", "{\"choices\":[{\"delta\":{\"content\":5}}]}")).unreadable());
        assertTrue(ChatDialect.INSTANCE.read(event("", "not json")).unreadable());
        assertFalse(ChatDialect.INSTANCE.read(event("", "{\"error\":{\"message\":\"m\"}}")).unreadable(), "an error event is read");
    }

    @Test
    void responsesRepeatsNameTheTextStreamsOfTheirDeltas() {
        DialectEvent delta = ResponsesDialect.INSTANCE.read(event("", "{\"type\":\"response.function_call_arguments.delta\","
                + "\"item_id\":\"fc_1\",\"output_index\":1,\"delta\":\"{\\\"a\\\"\"}"));
        DialectEvent done = ResponsesDialect.INSTANCE.read(event("", "{\"type\":\"response.output_item.done\",\"output_index\":1,"
                + "\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"arguments\":\"{\\\"a\\\"\"}}"));
        assertEquals(delta.texts().get(0).channel(), done.repeats().get(0).channel());
        DialectEvent text = ResponsesDialect.INSTANCE.read(event("", "{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"content_index\":2,\"delta\":\"x\"}"));
        DialectEvent completed = ResponsesDialect.INSTANCE.read(event("", "{\"type\":\"response.completed\",\"response\":{\"output\":["
                + "{\"id\":\"m\",\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"\"},{},{\"type\":\"output_text\",\"text\":\"x\"}]}]}}"));
        assertEquals(List.of(new TextPiece(text.texts().get(0).channel(), "x")), completed.repeats());
        assertTrue(ResponsesDialect.INSTANCE.read(event("", "{\"type\":\"response.output_text.delta\",\"delta\":{\"x\":1}}")).unreadable());
        assertFalse(ResponsesDialect.INSTANCE.read(event("", "{\"type\":\"response.audio.delta\",\"delta\":\"AAAA\"}")).hasText(),
                "base64 audio is not text");
        assertFalse(ResponsesDialect.INSTANCE.read(event("", "[DONE]")).unreadable(), "some compatible servers end so");
        assertFalse(ResponsesDialect.INSTANCE.read(event("", "")).unreadable());
        assertFalse(ChatDialect.INSTANCE.read(event("", " ")).unreadable());
    }

    @Test
    void completionsReadText() {
        DialectEvent e = CompletionsDialect.INSTANCE.read(event("", "{\"choices\":[{\"text\":\"Hi\",\"index\":0,\"finish_reason\":\"length\"}]}"));
        assertEquals(List.of(new TextPiece("t0", "Hi")), e.texts());
        assertEquals("length", e.finishReason());
    }

    @Test
    void responsesReadDeltasAndFlushOnDoneAndTerminalEvents() {
        DialectEvent delta = ResponsesDialect.INSTANCE.read(event("response.output_text.delta",
                "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}"));
        assertEquals(List.of(new TextPiece("o:msg_1:0", "Hi")), delta.texts());
        DialectEvent summary = ResponsesDialect.INSTANCE.read(event("response.reasoning_summary_text.delta",
                "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\",\"summary_index\":0,\"delta\":\"Hmm\"}"));
        assertEquals(List.of(new TextPiece("s:rs_1:0", "Hmm")), summary.texts());

        DialectEvent done = ResponsesDialect.INSTANCE.read(event("response.output_text.done",
                "{\"type\":\"response.output_text.done\",\"item_id\":\"msg_1\",\"text\":\"Hi there\"}"));
        assertFalse(done.hasText(), "done repeats the text: it is not new text");
        assertTrue(done.flush());
        DialectEvent partDone = ResponsesDialect.INSTANCE.read(event("response.content_part.done",
                "{\"type\":\"response.content_part.done\",\"part\":{\"type\":\"output_text\",\"text\":\"Hi there\"}}"));
        assertFalse(partDone.hasText());
        assertFalse(partDone.flush());

        DialectEvent completed = ResponsesDialect.INSTANCE.read(event("response.completed",
                "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"usage\":{\"total_tokens\":5}}}"));
        assertTrue(completed.flush());
        assertEquals("stop", completed.finishReason());
        assertEquals("{\"total_tokens\":5}", completed.usageJson());
    }

    @Test
    void chatCutCopiesIdsAndCutsEveryOpenChoice() {
        CutWriter writer = ChatDialect.INSTANCE.newCutWriter();
        writer.released(ChatDialect.INSTANCE.read(event("", "{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":5,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}")));
        writer.released(ChatDialect.INSTANCE.read(event("", "{\"id\":\"x\",\"created\":5,\"model\":\"m\","
                + "\"choices\":[{\"index\":2,\"delta\":{},\"finish_reason\":\"stop\"}]}")));
        List<DialectEvent> blocked = List.of(ChatDialect.INSTANCE.read(event("", "{\"id\":\"x\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"}}]}")));
        String tail = writer.cut("NOTICE", blocked).utf8String();
        assertEquals("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"m\",\"choices\":["
                + "{\"index\":0,\"delta\":{\"content\":\"NOTICE\"},\"finish_reason\":null},"
                + "{\"index\":1,\"delta\":{\"content\":\"NOTICE\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"m\",\"choices\":["
                + "{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\"},"
                + "{\"index\":1,\"delta\":{},\"finish_reason\":\"content_filter\"}]}\n\n"
                + "data: [DONE]\n\n", tail, "choice 2 had finished already and is left alone");
    }

    @Test
    void wholeChatAnswerTextsAndCut() {
        ObjectNode body = (ObjectNode) Json.parseOrNull("{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hello\",\"reasoning_content\":\"Why\"},\"finish_reason\":\"stop\"}],\"usage\":{\"total_tokens\":1}}");
        assertEquals(List.of("Why", "Hello"), ChatDialect.INSTANCE.wholeTexts(body));
        assertEquals("stop", ChatDialect.INSTANCE.wholeFinishReason(body));
        ChatDialect.INSTANCE.cutWhole(body, "N");
        JsonNode choice = body.path("choices").path(0);
        assertEquals("N", choice.path("message").path("content").asText());
        assertEquals("N", choice.path("message").path("reasoning_content").asText());
        assertEquals("content_filter", choice.path("finish_reason").asText());
        assertEquals(1, body.path("usage").path("total_tokens").asInt(), "the rest is kept");
    }

    @Test
    void wholeResponsesAnswerTextsAndCut() {
        ObjectNode body = (ObjectNode) Json.parseOrNull("{\"id\":\"r\",\"object\":\"response\",\"status\":\"completed\","
                + "\"incomplete_details\":null,\"output\":[{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"S\"}]},"
                + "{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"T\",\"annotations\":[{\"x\":1}]}]}]}");
        assertEquals(List.of("S", "T"), ResponsesDialect.INSTANCE.wholeTexts(body));
        ResponsesDialect.INSTANCE.cutWhole(body, "N");
        assertEquals("incomplete", body.path("status").asText());
        assertEquals("content_filter", body.path("incomplete_details").path("reason").asText());
        assertEquals("N", body.path("output").path(1).path("content").path(0).path("text").asText());
        assertTrue(body.path("output").path(1).path("content").path(0).path("annotations").isEmpty());
        assertEquals("r", body.path("id").asText());
    }
}
