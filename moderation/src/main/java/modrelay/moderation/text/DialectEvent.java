package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import modrelay.moderation.sse.SseEvent;

import java.util.List;

/**
 * One upstream SSE event read once by its dialect.
 *
 * @param sse          the event; its raw bytes are what the client gets
 * @param json         the parsed data, or null (comment, {@code [DONE]}, unreadable)
 * @param texts        new text it carries (deltas), per text stream; empty for events without text
 * @param repeats      whole texts it says a text stream holds so far ({@code *.done} events, finished items,
 *                     a chunk's {@code message}); the gate proves each equals what that stream streamed,
 *                     or judges it as new text
 * @param flush        whether pending text should be moderated now (the answer or a text part ended)
 * @param finishReason the finish reason it announces, or null
 * @param usageJson    the usage object it carries as JSON, or null
 * @param unreadable   JSON was expected and could not be read, or a text field had a type no client
 *                     should render unjudged: the gate fails closed on it
 */
public record DialectEvent(SseEvent sse, JsonNode json, List<TextPiece> texts, List<TextPiece> repeats, boolean flush,
                           String finishReason, String usageJson, boolean unreadable) {

    public DialectEvent {
        texts = List.copyOf(texts);
        repeats = List.copyOf(repeats);
    }

    public DialectEvent(SseEvent sse, JsonNode json, List<TextPiece> texts, boolean flush, String finishReason, String usageJson) {
        this(sse, json, texts, List.of(), flush, finishReason, usageJson, false);
    }

    public static DialectEvent plain(SseEvent sse, JsonNode json, boolean flush) {
        return new DialectEvent(sse, json, List.of(), List.of(), flush, null, null, false);
    }

    public static DialectEvent unreadable(SseEvent sse) {
        return new DialectEvent(sse, null, List.of(), List.of(), true, null, null, true);
    }

    public boolean hasText() {
        return !texts.isEmpty();
    }
}
