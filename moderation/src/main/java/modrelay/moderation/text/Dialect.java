package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;

import java.util.List;
import java.util.Optional;

/** An OpenAI API shape: where its text is, what ends it, how to cut it. Stateless; shared by all streams. */
public sealed interface Dialect permits ChatDialect, CompletionsDialect, ResponsesDialect {

    /**
     * The dialect of an API path ({@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/responses}).
     * Matched by the path's ending on purpose: clients speaking Azure paths
     * ({@code /openai/deployments/<name>/chat/completions}) are moderated too.
     */
    static Optional<Dialect> forPath(String path) {
        if (path == null) return Optional.empty();
        int query = path.indexOf('?');
        String p = query >= 0 ? path.substring(0, query) : path;
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (p.endsWith("/chat/completions")) return Optional.of(ChatDialect.INSTANCE);
        if (p.endsWith("/completions")) return Optional.of(CompletionsDialect.INSTANCE);
        if (p.endsWith("/responses")) return Optional.of(ResponsesDialect.INSTANCE);
        return Optional.empty();
    }

    /** "chat", "completions" or "responses". */
    String name();

    /** Reads one streamed event (parses its JSON once). */
    DialectEvent read(SseEvent event);

    /** A fresh cut writer for one stream. */
    CutWriter newCutWriter();

    /** The texts of a non-streamed answer, in order. */
    List<String> wholeTexts(JsonNode body);

    /** Replaces every text of a non-streamed answer by the notice and marks it as filtered, in place. */
    void cutWhole(ObjectNode body, String notice);

    /** The finish reason of a non-streamed answer, or "". */
    String wholeFinishReason(JsonNode body);
}
