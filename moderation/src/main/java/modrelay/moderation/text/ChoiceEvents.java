package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import modrelay.moderation.sse.SseEvent;

import java.util.ArrayList;
import java.util.List;

/** Reading the two "choices" dialects (chat and legacy completions), which differ only in where the text sits. */
final class ChoiceEvents {

    /** Where one dialect keeps its text inside a streamed choice: new text, and whole texts it repeats. */
    interface TextFields {
        void collect(JsonNode choice, int index, List<TextPiece> texts, List<TextPiece> repeats);
    }

    private ChoiceEvents() {}

    static boolean isDone(String data) {
        return data.length() <= 8 && data.strip().equals("[DONE]");
    }

    static DialectEvent read(SseEvent event, TextFields fields) {
        String data = event.data();
        if (data == null || data.isBlank()) return DialectEvent.plain(event, null, false); // no text can hide in nothing
        if (isDone(data)) return DialectEvent.plain(event, null, true);
        JsonNode json = Json.parseOrNull(data);
        // every data event of these dialects is a JSON object (chunks, usage, errors) or [DONE]
        if (json == null || !json.isObject()) return DialectEvent.unreadable(event);
        try {
            List<TextPiece> texts = new ArrayList<>(2);
            List<TextPiece> repeats = new ArrayList<>(0);
            String finishReason = null;
            int position = 0;
            for (JsonNode choice : Json.array(json, "choices")) {
                int index = choice.path("index").asInt(position++);
                fields.collect(choice, index, texts, repeats);
                JsonNode finish = choice.get("finish_reason");
                if (finish != null && finish.isTextual()) finishReason = finish.textValue();
            }
            JsonNode usage = json.get("usage");
            String usageJson = usage != null && usage.isObject() ? Json.write(usage) : null;
            return new DialectEvent(event, json, texts, repeats, finishReason != null, finishReason, usageJson, false);
        } catch (UnreadableText e) {
            return DialectEvent.unreadable(event);
        }
    }

    static void add(List<TextPiece> into, String channel, String text) {
        if (text != null) into.add(new TextPiece(channel, text));
    }

    static String firstFinishReason(JsonNode body) {
        JsonNode finish = body.path("choices").path(0).get("finish_reason");
        return finish != null && finish.isTextual() ? finish.textValue() : "";
    }
}
