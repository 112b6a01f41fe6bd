package modrelay.loadtests.fakes;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds the last user text of a request (chat {@code messages}, legacy {@code prompt}, Responses
 * {@code input}) and turns it into the reply: the text after the first {@code say:}, verbatim,
 * or else the default reply.
 */
final class FakeUpstreamPrompts {
    static final String SAY = "say:";

    private FakeUpstreamPrompts() {}

    static FakeUpstreamReply replyFor(String prompt, FakeUpstreamReply defaultReply) {
        int at = prompt.indexOf(SAY);
        return at < 0 ? defaultReply : FakeUpstreamReply.of(prompt.substring(at + SAY.length()));
    }

    /** Chat Completions: the last message with role {@code user} (else the last message). */
    static String chatPrompt(JsonNode body) {
        JsonNode messages = body.path("messages");
        return textOf(lastUserItem(messages).path("content"));
    }

    /** Legacy Completions: {@code prompt} as a string, or the last string of an array. */
    static String completionPrompt(JsonNode body) {
        JsonNode prompt = body.path("prompt");
        if (prompt.isArray() && !prompt.isEmpty()) {
            JsonNode last = prompt.get(prompt.size() - 1);
            return last.isTextual() ? last.asText() : "";
        }
        return prompt.isTextual() ? prompt.asText() : "";
    }

    /** Responses: {@code input} as a string, or the text of the last user message item. */
    static String responsesPrompt(JsonNode body) {
        JsonNode input = body.path("input");
        if (input.isTextual()) return input.asText();
        return textOf(lastUserItem(input).path("content"));
    }

    private static JsonNode lastUserItem(JsonNode items) {
        if (!items.isArray() || items.isEmpty()) return items.path("missing");
        for (int i = items.size() - 1; i >= 0; i--) {
            if ("user".equals(items.get(i).path("role").asText())) return items.get(i);
        }
        return items.get(items.size() - 1);
    }

    /** A content string, or the concatenated {@code text} of its parts ({@code text}, {@code input_text}). */
    private static String textOf(JsonNode content) {
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) return "";
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) text.append(part.path("text").asText());
        }
        return text.toString();
    }

    /** Prompt size for {@code usage}: fake tokens of the prompt text, at least one. */
    static int promptTokens(String prompt) {
        return Math.max(1, FakeTokens.split(prompt).size());
    }
}
