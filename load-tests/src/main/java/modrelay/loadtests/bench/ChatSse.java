package modrelay.loadtests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Chat Completions SSE body (already de-chunked) as it arrives: collects the text of
 * choice 0's {@code delta.content}, its {@code finish_reason}, and whether {@code data: [DONE]}
 * came. Comment lines ({@code : ping} heartbeats) and other fields are skipped. Bytes may arrive
 * split anywhere; a line is decoded only once it is complete, so UTF-8 is never cut.
 */
public final class ChatSse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private String finishReason = "";
    private boolean done;
    private boolean eventAfterDone;
    private int events;
    private String error = "";
    private long firstTextNanos;

    /** Feeds body bytes {@code [off, off+len)}; {@code nowNanos} stamps the first text. */
    public void feed(byte[] bytes, int off, int len, long nowNanos) {
        for (int i = off; i < off + len; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                onLine(line.toString(StandardCharsets.UTF_8), nowNanos);
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    private void onLine(String l, long nowNanos) {
        if (l.endsWith("\r")) l = l.substring(0, l.length() - 1);
        if (l.isEmpty()) {
            if (data.length() > 0) onEvent(data.toString(), nowNanos);
            data.setLength(0);
            return;
        }
        if (l.startsWith(":")) return;
        if (l.startsWith("data:")) {
            String v = l.substring(5);
            if (v.startsWith(" ")) v = v.substring(1);
            if (data.length() > 0) data.append('\n');
            data.append(v);
        }
    }

    private void onEvent(String payload, long nowNanos) {
        events++;
        if (done) eventAfterDone = true;
        if (payload.equals("[DONE]")) {
            done = true;
            return;
        }
        try {
            JsonNode node = JSON.readTree(payload);
            if (node.has("error")) {
                error = node.path("error").path("message").asText("error event");
                return;
            }
            JsonNode choices = node.path("choices");
            for (JsonNode choice : choices) {
                if (choice.path("index").asInt(0) != 0) continue;
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual() && !content.asText().isEmpty()) {
                    if (text.length() == 0) firstTextNanos = nowNanos;
                    text.append(content.asText());
                }
                JsonNode finish = choice.path("finish_reason");
                if (finish.isTextual()) finishReason = finish.asText();
            }
        } catch (IOException e) {
            error = "unparsable event: " + e.getMessage().lines().findFirst().orElse("");
        }
    }

    /** Parses a whole body at once. */
    public static ChatSse of(String body) {
        ChatSse sse = new ChatSse();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        sse.feed(bytes, 0, bytes.length, System.nanoTime());
        // A body that does not end with a blank line still counts its last event.
        sse.feed(new byte[] {'\n', '\n'}, 0, 2, System.nanoTime());
        return sse;
    }

    public String text() {
        return text.toString();
    }

    /** Characters of text so far. */
    public int textLength() {
        return text.length();
    }

    public String finishReason() {
        return finishReason;
    }

    /** True when {@code data: [DONE]} came and nothing after it. */
    public boolean done() {
        return done && !eventAfterDone;
    }

    public int events() {
        return events;
    }

    /** An error event's message or a parse failure; "" when none. */
    public String error() {
        return error;
    }

    /** {@link System#nanoTime()} when the first non-empty text arrived; 0 if none did. */
    public long firstTextNanos() {
        return firstTextNanos;
    }
}
