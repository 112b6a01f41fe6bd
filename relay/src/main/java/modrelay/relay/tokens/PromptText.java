package modrelay.relay.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import modrelay.moderation.text.Json;

/**
 * The text of a request's prompt, for counting when the upstream reports no usage and for a budget's
 * estimate at admission: every message's text (chat {@code messages}, Responses {@code input} and
 * {@code instructions}, completions {@code prompt}, embeddings {@code input}), joined by newlines. Read
 * from the bytes the relay sent upstream only when a count is needed (the request path's one reading
 * takes no text but the newest user turn). Pure.
 */
public final class PromptText {
    private PromptText() {}

    public static String of(byte[] json) {
        return read(json).text();
    }

    /** The prompt's text and the request's own cap on output tokens (0 when it sets none). */
    public record Read(String text, long maxOutput) {}

    /**
     * A request's estimate for admission: its prompt's tokens and its cap on output ({@code max_tokens},
     * {@code max_completion_tokens} or {@code max_output_tokens}).
     */
    public static long estimate(String model, byte[] json) {
        Read r = read(json);
        return TokenCounter.count(model, r.text()) + r.maxOutput();
    }

    public static Read read(byte[] json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException | RuntimeException e) {
            return new Read("", 0);
        }
        if (root == null || !root.isObject()) return new Read("", 0);
        long max = 0;
        for (String f : List.of("max_tokens", "max_completion_tokens", "max_output_tokens")) {
            JsonNode n = root.get(f);
            if (n != null && n.isIntegralNumber() && n.asLong() > max) max = n.asLong();
        }
        return new Read(text(root), max);
    }

    private static String text(JsonNode root) {
        List<String> out = new ArrayList<>();
        texts(root.get("instructions"), out);
        texts(root.get("system"), out);
        texts(root.get("messages"), out);
        texts(root.get("input"), out);
        texts(root.get("prompt"), out);
        return String.join("\n", out);
    }

    /** Strings, parts with "text", items with "content": the text a model reads, not ids, roles or types. */
    private static void texts(JsonNode n, List<String> out) {
        if (n == null || n.isNull()) return;
        if (n.isTextual()) {
            if (!n.asText().isEmpty()) out.add(n.asText());
        } else if (n.isArray()) {
            for (JsonNode item : n) texts(item, out);
        } else if (n.isObject()) {
            JsonNode text = n.get("text");
            if (text != null && text.isTextual()) out.add(text.asText());
            texts(n.get("content"), out);
            JsonNode call = n.get("arguments");
            if (call != null && call.isTextual()) out.add(call.asText());
            texts(n.get("tool_calls"), out);
            texts(n.get("function"), out);
            JsonNode output = n.get("output");
            if (output != null && output.isTextual()) out.add(output.asText());
        }
    }
}
