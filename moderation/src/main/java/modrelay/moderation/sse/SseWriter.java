package modrelay.moderation.sse;

import akka.util.ByteString;

/**
 * Writes SSE the way OpenAI clients expect it: {@code data: } with a space (Akka's own marshaller omits
 * it), one blank line after each event.
 */
public final class SseWriter {

    private SseWriter() {}

    /** {@code data: <json>\n\n} */
    public static ByteString data(String json) {
        return ByteString.fromString("data: " + json + "\n\n");
    }

    /** {@code event: <type>\ndata: <json>\n\n} */
    public static ByteString event(String type, String json) {
        return ByteString.fromString("event: " + type + "\ndata: " + json + "\n\n");
    }

    /** {@code : <text>\n\n}, a comment every SSE client ignores. */
    public static ByteString comment(String text) {
        return ByteString.fromString(": " + text + "\n\n");
    }
}
