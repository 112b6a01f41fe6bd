package modrelay.relay.observability;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modrelay.moderation.sse.SseEvent;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.DialectEvent;
import modrelay.moderation.text.Json;
import modrelay.moderation.text.TextPiece;

/**
 * The reply of an unmoderated exchange, assembled for the chat log with the moderation module's own
 * readers (its SSE parser and the dialects' text extraction), so the log reads the text exactly as
 * moderation would have.
 */
final class ReplyText {

    /** What the client received: text, finish reason ("" if none), usage JSON ("" if none). */
    record Reply(String text, boolean truncated, String finishReason, String usageJson) {
        static final Reply EMPTY = new Reply("", false, "", "");
    }

    private ReplyText() {}

    /** A non-streamed JSON answer: its texts in order, joined by newlines (as whole-response moderation reads them). */
    static Reply whole(Dialect dialect, ByteString body, boolean truncated) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body.toArray());
        } catch (IOException e) {
            return new Reply("", truncated, "", "");
        }
        if (root == null || !root.isObject()) return new Reply("", truncated, "", "");
        List<String> texts = dialect.wholeTexts(root);
        JsonNode usage = root.get("usage");
        return new Reply(String.join("\n", texts), truncated, dialect.wholeFinishReason(root),
                usage != null && usage.isObject() ? Json.write(usage) : "");
    }

    /**
     * Collects a stream's events (on the stream's thread): text per channel (choice content, reasoning,
     * Responses part), the last finish reason and usage.
     */
    static final class Streamed {
        private final Dialect dialect;
        private final Map<String, StringBuilder> channels = new LinkedHashMap<>();
        private String finishReason = "";
        private String usageJson = "";

        Streamed(Dialect dialect) {
            this.dialect = dialect;
        }

        void accept(SseEvent event) {
            DialectEvent read = dialect.read(event);
            for (TextPiece piece : read.texts()) {
                channels.computeIfAbsent(piece.channel(), c -> new StringBuilder()).append(piece.text());
            }
            if (read.finishReason() != null) finishReason = read.finishReason();
            if (read.usageJson() != null) usageJson = read.usageJson();
        }

        /** The channels' texts in the order they started, one per line when there are several. */
        Reply result(boolean truncated) {
            StringBuilder text = new StringBuilder();
            for (StringBuilder channel : channels.values()) {
                if (text.length() > 0) text.append('\n');
                text.append(channel);
            }
            return new Reply(text.toString(), truncated, finishReason, usageJson);
        }
    }
}
