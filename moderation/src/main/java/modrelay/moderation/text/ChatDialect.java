package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /v1/chat/completions}: text in {@code choices[].delta.content} and
 * {@code choices[].delta.reasoning_content}; the stream ends with {@code data: [DONE]}.
 */
public final class ChatDialect implements Dialect {

    public static final ChatDialect INSTANCE = new ChatDialect();

    private static final ChoiceEvents.TextFields FIELDS = (choice, index, into) -> {
        JsonNode delta = choice.get("delta");
        if (delta == null || !delta.isObject()) return;
        String reasoning = Json.text(delta, "reasoning_content");
        if (reasoning != null) into.add(new TextPiece("r" + index, reasoning));
        String content = Json.text(delta, "content");
        if (content != null) into.add(new TextPiece("c" + index, content));
    };

    private ChatDialect() {}

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public DialectEvent read(SseEvent event) {
        return ChoiceEvents.read(event, FIELDS);
    }

    @Override
    public CutWriter newCutWriter() {
        return new ChoicesCutWriter("chat.completion.chunk", true);
    }

    @Override
    public List<String> wholeTexts(JsonNode body) {
        List<String> texts = new ArrayList<>();
        for (JsonNode choice : body.path("choices")) {
            JsonNode message = choice.path("message");
            String reasoning = Json.text(message, "reasoning_content");
            if (reasoning != null) texts.add(reasoning);
            String content = Json.text(message, "content");
            if (content != null) texts.add(content);
        }
        return texts;
    }

    @Override
    public void cutWhole(ObjectNode body, String notice) {
        for (JsonNode choice : body.path("choices")) {
            if (!(choice instanceof ObjectNode c)) continue;
            if (c.get("message") instanceof ObjectNode message) {
                message.put("content", notice);
                if (message.path("reasoning_content").isTextual()) message.put("reasoning_content", notice);
            }
            c.put("finish_reason", "content_filter");
        }
    }

    @Override
    public String wholeFinishReason(JsonNode body) {
        return ChoiceEvents.firstFinishReason(body);
    }
}
