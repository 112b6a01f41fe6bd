package modrelay.moderation.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one shared Jackson mapper of the moderation graph (thread-safe once configured). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** Parses JSON, or returns null when the text is not JSON. */
    public static JsonNode parseOrNull(String text) {
        if (text == null || text.isEmpty()) return null;
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e); // cannot happen for a tree
        }
    }

    /**
     * The text of a field where model text belongs: a non-empty string; or an array of parts (some
     * compatible servers send {@code content} so), whose {@code text} strings and plain string parts are
     * joined. Null when absent, null, empty. Anything else (a number, an object, a part of another kind)
     * cannot be judged, yet a lenient client may still render it: {@link UnreadableText}.
     */
    static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) return null;
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) return null;
        if (value.isTextual()) return value.textValue().isEmpty() ? null : value.textValue();
        if (!value.isArray()) throw new UnreadableText(field + " is " + value.getNodeType());
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : value) {
            if (part.isTextual()) sb.append(part.textValue());
            else if (part.isObject()) {
                String t = text(part, "text");
                if (t != null) sb.append(t);
            } else if (!part.isNull()) {
                throw new UnreadableText(field + " part is " + part.getNodeType());
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /**
     * The tokens of a logprobs list ({@code [{token, top_logprobs:[{token}]}]}), chosen and alternative,
     * joined by spaces: the alternatives are words the model did not say, yet a client may show them.
     */
    static String logprobTokens(JsonNode entries) {
        if (entries == null || entries.isNull()) return null;
        if (!entries.isArray()) throw new UnreadableText("logprobs is " + entries.getNodeType());
        StringBuilder sb = new StringBuilder();
        for (JsonNode entry : entries) {
            appendToken(sb, text(entry, "token"));
            for (JsonNode alternative : array(entry, "top_logprobs")) appendToken(sb, text(alternative, "token"));
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static void appendToken(StringBuilder sb, String token) {
        if (token == null) return;
        if (sb.length() > 0) sb.append(' ');
        sb.append(token);
    }

    /** An optional container (object) inside model output: absent/null → null, an object → it, else unreadable. */
    static JsonNode object(JsonNode node, String field) {
        if (node == null || !node.isObject()) return null;
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isObject()) throw new UnreadableText(field + " is " + value.getNodeType());
        return value;
    }

    /** An optional list inside model output: absent/null → empty, an array → it, else unreadable. */
    static Iterable<JsonNode> array(JsonNode node, String field) {
        if (node == null || !node.isObject()) return java.util.List.of();
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) return java.util.List.of();
        if (!value.isArray()) throw new UnreadableText(field + " is " + value.getNodeType());
        return value;
    }
}
