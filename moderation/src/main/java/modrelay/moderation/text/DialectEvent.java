package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import modrelay.moderation.sse.SseEvent;

import java.util.List;

/**
 * One upstream SSE event read once by its dialect.
 *
 * @param sse          the event; its raw bytes are what the client gets
 * @param json         the parsed data, or null (comment, {@code [DONE]}, not JSON)
 * @param texts        the text it carries, empty for events without text
 * @param flush        whether pending text should be moderated now (the answer or a text part ended)
 * @param finishReason the finish reason it announces, or null
 * @param usageJson    the usage object it carries as JSON, or null
 */
public record DialectEvent(SseEvent sse, JsonNode json, List<TextPiece> texts, boolean flush,
                           String finishReason, String usageJson) {

    public static DialectEvent plain(SseEvent sse, JsonNode json, boolean flush) {
        return new DialectEvent(sse, json, List.of(), flush, null, null);
    }

    public boolean hasText() {
        return !texts.isEmpty();
    }
}
