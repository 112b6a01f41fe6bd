package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;

import java.util.List;

/** An OpenAI API shape: where its text is, what ends it, how to cut it. Stateless; shared by all streams. */
public sealed interface Dialect permits ChatDialect, CompletionsDialect, ResponsesDialect {

    /** How a stream of this dialect carries an error that ends it mid-way (official SDKs raise on both). */
    enum ErrorEventShape {
        /** {@code data: {"error":{"message","type","code"}}} (chat and legacy completions). */
        DATA_ERROR_OBJECT,
        /** {@code event: error} with {@code {"type":"error","code","message","param"}} (Responses API). */
        TYPED_ERROR_EVENT
    }

    /** "chat", "completions" or "responses": for logs and metrics only; decide by type or by the methods here. */
    String name();

    ErrorEventShape errorEventShape();

    /** Reads one streamed event (parses its JSON once). Never throws: what cannot be read is {@link DialectEvent#unreadable()}. */
    DialectEvent read(SseEvent event);

    /** A fresh cut writer for one stream. */
    CutWriter newCutWriter();

    /** The texts of a non-streamed answer, in order, or why they cannot be read. Never throws. */
    WholeAnswer readWhole(JsonNode body);

    /** The texts of a non-streamed answer, in order; none when they cannot be read (for logs). */
    default List<String> wholeTexts(JsonNode body) {
        return readWhole(body) instanceof WholeAnswer.Texts t ? t.texts() : List.of();
    }

    /** Replaces every text of a non-streamed answer by the notice and marks it as filtered, in place. */
    void cutWhole(ObjectNode body, String notice);

    /** The finish reason of a non-streamed answer, or "". */
    String wholeFinishReason(JsonNode body);
}
