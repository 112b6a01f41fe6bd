package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import modrelay.moderation.sse.SseEvent;

import java.util.ArrayList;
import java.util.List;

/** Reading and cutting the two "choices" dialects (chat and legacy completions), which differ only in where the text sits. */
final class ChoiceEvents {

    /** Where one dialect keeps its streamed text inside a choice. */
    interface TextFields {
        void collect(JsonNode choice, int index, List<TextPiece> into);
    }

    private ChoiceEvents() {}

    static boolean isDone(String data) {
        return data.length() <= 8 && data.strip().equals("[DONE]");
    }

    static DialectEvent read(SseEvent event, TextFields fields) {
        String data = event.data();
        if (data == null) return DialectEvent.plain(event, null, false);
        if (isDone(data)) return DialectEvent.plain(event, null, true);
        JsonNode json = Json.parseOrNull(data);
        if (json == null || !json.isObject()) return DialectEvent.plain(event, json, false);

        List<TextPiece> texts = List.of();
        String finishReason = null;
        JsonNode choices = json.get("choices");
        if (choices != null && choices.isArray()) {
            for (JsonNode choice : choices) {
                int index = choice.path("index").asInt(0);
                List<TextPiece> found = new ArrayList<>(2);
                fields.collect(choice, index, found);
                if (!found.isEmpty()) {
                    if (texts.isEmpty()) texts = found;
                    else {
                        texts = new ArrayList<>(texts);
                        texts.addAll(found);
                    }
                }
                JsonNode finish = choice.get("finish_reason");
                if (finish != null && finish.isTextual()) finishReason = finish.textValue();
            }
        }
        JsonNode usage = json.get("usage");
        String usageJson = usage != null && usage.isObject() ? Json.write(usage) : null;
        return new DialectEvent(event, json, texts, finishReason != null, finishReason, usageJson);
    }

    static String firstFinishReason(JsonNode body) {
        JsonNode finish = body.path("choices").path(0).get("finish_reason");
        return finish != null && finish.isTextual() ? finish.textValue() : "";
    }
}
