package modrelay.moderation.stage;

import com.fasterxml.jackson.databind.JsonNode;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.ModerationListener.Summary;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.text.ChatDialect;
import modrelay.moderation.text.CompletionsDialect;
import modrelay.moderation.text.Json;
import modrelay.moderation.text.ResponsesDialect;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static modrelay.moderation.stage.ModerationFlowChatTest.BLOCKED;
import static modrelay.moderation.stage.ModerationFlowChatTest.UNAVAILABLE;
import static modrelay.moderation.stage.ModerationFlowChatTest.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WholeResponseModerationTest {

    static String chatBody(String content) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-test\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":" + Json.MAPPER.valueToTree(content) + ",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3},"
                + "\"system_fingerprint\":\"fp\"}";
    }

    static WholeResponseModeration.Result moderate(modrelay.moderation.text.Dialect dialect, String body,
                                                   ScriptedModerator moderator, RecordingListener listener) throws Exception {
        return WholeResponseModeration.moderate(dialect, body.getBytes(StandardCharsets.UTF_8), moderator, options(), listener)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void passKeepsTheBodyAsItIs() throws Exception {
        String body = chatBody("Hello there. All good.");
        var listener = new RecordingListener();
        var result = moderate(ChatDialect.INSTANCE, body, ScriptedModerator.passingAll(), listener);
        assertFalse(result.cut());
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), result.body());
        Summary summary = listener.summary();
        assertEquals("Hello there. All good.", summary.releasedText());
        assertEquals("stop", summary.finishReason());
        assertEquals("{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}", summary.usageJson());
    }

    @Test
    void blockReplacesTheTextAndMarksContentFilter() throws Exception {
        var listener = new RecordingListener();
        var result = moderate(ChatDialect.INSTANCE, chatBody("Some bad words."), ScriptedModerator.blocking("bad"), listener);
        assertTrue(result.cut());
        JsonNode json = Json.MAPPER.readTree(result.body());
        JsonNode choice = json.path("choices").path(0);
        assertEquals(BLOCKED, choice.path("message").path("content").asText());
        assertEquals("content_filter", choice.path("finish_reason").asText());
        assertEquals("chatcmpl-1", json.path("id").asText());
        assertEquals(3, json.path("usage").path("total_tokens").asInt());
        assertEquals("fp", json.path("system_fingerprint").asText());
        assertFalse(new String(result.body(), StandardCharsets.UTF_8).contains("bad"));
        Summary summary = listener.summary();
        assertTrue(summary.cut());
        assertEquals("", summary.releasedText());
        assertEquals(List.of(FrameOutcome.CUT_BLOCKED), listener.outcomes());
    }

    @Test
    void unavailableFailsClosedWithTheUnavailableNotice() throws Exception {
        var failing = ScriptedModerator.stages(t -> CompletableFuture.failedFuture(new RuntimeException("down")));
        var result = moderate(CompletionsDialect.INSTANCE,
                "{\"id\":\"cmpl\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"Hi.\",\"index\":0,\"finish_reason\":\"stop\"}]}",
                failing, new RecordingListener());
        assertTrue(result.cut());
        JsonNode choice = Json.MAPPER.readTree(result.body()).path("choices").path(0);
        assertEquals(UNAVAILABLE, choice.path("text").asText());
        assertEquals("content_filter", choice.path("finish_reason").asText());
    }

    @Test
    void longTextsAreSplitIntoCallsOfAtMostTenThousandCharacters() throws Exception {
        String sentence = "This sentence is exactly fifty characters long!!. ";
        String text = sentence.repeat(500) + "And a flagged ending."; // 25,021 characters
        var moderator = ScriptedModerator.blocking("flagged");
        var listener = new RecordingListener();
        var result = moderate(ChatDialect.INSTANCE, chatBody(text), moderator, listener);

        assertTrue(moderator.calls.size() >= 3, "split into " + moderator.calls.size());
        moderator.calls.forEach(call -> assertTrue(call.length() <= 10_000, "call of " + call.length()));
        assertEquals(text, String.join("", moderator.calls), "the parts cover the text exactly");
        assertTrue(moderator.calls.get(0).endsWith("long!!."), "cut at a sentence end, not mid-sentence");
        assertTrue(result.cut(), "a block in the last part cuts the whole answer");
        assertEquals(BLOCKED, Json.MAPPER.readTree(result.body()).path("choices").path(0).path("message").path("content").asText());
    }

    @Test
    void partsAreModeratedConcurrently() throws Exception {
        String text = "word ".repeat(5_000);
        List<CompletableFuture<Verdict>> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        var moderator = ScriptedModerator.stages(t -> {
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        });
        var pending = WholeResponseModeration.moderate(ChatDialect.INSTANCE, chatBody(text).getBytes(StandardCharsets.UTF_8),
                moderator, options(), new RecordingListener()).toCompletableFuture();
        assertEquals(3, answers.size(), "every part is sent before any answer arrived");
        for (int i = answers.size() - 1; i >= 0; i--) answers.get(i).complete(ScriptedModerator.judged(Suggestion.PASS));
        assertFalse(pending.get(5, TimeUnit.SECONDS).cut());
    }

    @Test
    void responsesBodyIsMarkedIncomplete() throws Exception {
        String body = "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"incomplete_details\":null,"
                + "\"output\":[{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"A bad answer.\",\"annotations\":[]}]}],\"usage\":{\"total_tokens\":4}}";
        var listener = new RecordingListener();
        var result = moderate(ResponsesDialect.INSTANCE, body, ScriptedModerator.blocking("bad"), listener);
        assertTrue(result.cut());
        JsonNode json = Json.MAPPER.readTree(result.body());
        assertEquals("incomplete", json.path("status").asText());
        assertEquals("content_filter", json.path("incomplete_details").path("reason").asText());
        assertEquals(BLOCKED, json.path("output").path(0).path("content").path(0).path("text").asText());
        assertEquals("{\"total_tokens\":4}", listener.summary().usageJson());
    }

    @Test
    void anAnswerThatCannotBeReadIsNotReleased() throws Exception {
        for (String unreadable : List.of("upstream error page with blocked words",
                "[\"blocked\"]",
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":{\"nested\":\"blocked\"}}}]}",
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\",\"refusal\":42}}]}",
                "{\"choices\":{\"0\":{\"message\":{\"content\":\"blocked\"}}}}")) {
            var moderator = ScriptedModerator.blocking("never asked");
            var listener = new RecordingListener();
            var result = moderate(ChatDialect.INSTANCE, unreadable, moderator, listener);
            assertTrue(result.unreadable(), unreadable);
            String body = new String(result.body(), StandardCharsets.UTF_8);
            assertFalse(body.contains("blocked"), unreadable);
            assertEquals("moderation_unreadable_answer", Json.parseOrNull(body).path("error").path("code").asText(), unreadable);
            assertTrue(moderator.calls.isEmpty(), "nothing to judge: " + unreadable);
            assertTrue(listener.summary().cut());
        }
    }

    @Test
    void bodiesWithoutTextAreLeftAlone() throws Exception {
        String noText = "{\"id\":\"c\",\"choices\":[],\"usage\":{\"total_tokens\":0}}";
        var moderator = ScriptedModerator.blocking("c");
        var result = moderate(ChatDialect.INSTANCE, noText, moderator, new RecordingListener());
        assertFalse(result.cut());
        assertFalse(result.unreadable());
        assertEquals(noText, new String(result.body(), StandardCharsets.UTF_8));
        assertTrue(moderator.calls.isEmpty());
    }
}
