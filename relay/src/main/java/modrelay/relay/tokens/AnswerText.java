package modrelay.relay.tokens;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import modrelay.moderation.sse.SseEvent;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.DialectEvent;
import modrelay.moderation.text.Json;
import modrelay.moderation.text.TextPiece;

/**
 * The text of an answer the relay received, read with the moderation module's dialects (every text
 * field, reasoning included): for counting completion tokens when the upstream reported none. Runs
 * only then, on the bytes kept for it. Pure.
 */
public final class AnswerText {
    private AnswerText() {}

    /** An event stream's texts, in order (an event cut off at the end is left out). */
    public static String ofStream(Dialect dialect, ByteString bytes) {
        String all = bytes.utf8String().replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = new StringBuilder();
        int start = 0;
        while (true) {
            int end = all.indexOf("\n\n", start);
            if (end < 0) break;
            String block = all.substring(start, end);
            start = end + 2;
            SseEvent event = event(block);
            if (event == null) continue;
            try {
                DialectEvent read = dialect.read(event);
                for (TextPiece piece : read.texts()) out.append(piece.text());
            } catch (RuntimeException unreadable) {
                // an event no dialect reads carries no text we could count
            }
        }
        return out.toString();
    }

    /** A whole JSON answer's texts, joined by newlines. */
    public static String ofJson(Dialect dialect, ByteString bytes) {
        try {
            JsonNode root = Json.MAPPER.readTree(bytes.toArray());
            if (root == null || !root.isObject()) return "";
            List<String> texts = dialect.wholeTexts(root);
            return String.join("\n", texts);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static SseEvent event(String block) {
        String name = "";
        StringBuilder data = null;
        for (String line : block.split("\n")) {
            if (line.startsWith(":")) continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            if (field.equals("event")) name = value;
            else if (field.equals("data")) {
                if (data == null) data = new StringBuilder(value);
                else data.append('\n').append(value);
            }
        }
        if (data == null) return null;
        return new SseEvent(name, data.toString(), ByteString.fromString(block + "\n\n", StandardCharsets.UTF_8));
    }
}
