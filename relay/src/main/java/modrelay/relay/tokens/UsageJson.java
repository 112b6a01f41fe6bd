package modrelay.relay.tokens;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;
import modrelay.moderation.text.Json;

/**
 * Reads a usage object in any of OpenAI's shapes: chat and legacy completions ({@code prompt_tokens},
 * {@code completion_tokens}, {@code prompt_tokens_details.cached_tokens},
 * {@code completion_tokens_details.reasoning_tokens}), the Responses API ({@code input_tokens},
 * {@code output_tokens}, {@code input_tokens_details}, {@code output_tokens_details}) and embeddings
 * ({@code prompt_tokens} alone). Also finds the last usage object in raw bytes without reading the rest
 * as JSON ({@link #findIn}), for answers and events the relay does not otherwise parse. Pure.
 */
public final class UsageJson {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private UsageJson() {}

    /** The usage, when {@code node} is an object with at least a prompt or completion count. */
    public static Optional<Usage> read(JsonNode node) {
        if (node == null || !node.isObject()) return Optional.empty();
        JsonNode prompt = first(node, "prompt_tokens", "input_tokens");
        JsonNode completion = first(node, "completion_tokens", "output_tokens");
        if (!count(prompt) && !count(completion)) return Optional.empty();
        JsonNode promptDetails = first(node, "prompt_tokens_details", "input_tokens_details");
        JsonNode completionDetails = first(node, "completion_tokens_details", "output_tokens_details");
        return Optional.of(new Usage(value(prompt), value(completion),
                promptDetails == null ? 0 : value(promptDetails.get("cached_tokens")),
                completionDetails == null ? 0 : value(completionDetails.get("reasoning_tokens")), false));
    }

    /** A usage object as JSON text. */
    public static Optional<Usage> read(String json) {
        if (json == null || json.isEmpty()) return Optional.empty();
        try {
            return read(Json.MAPPER.readTree(json));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The last {@code "usage": {…}} object in {@code bytes} (an SSE event, a JSON answer or its tail): found by
     * a byte scan, only that object read as JSON. Keys inside JSON strings are escaped ({@code \"usage\"}) and
     * are not matched.
     */
    public static Optional<Usage> findIn(byte[] bytes, int from, int to) {
        for (int at = lastObjectAfterUsageKey(bytes, from, to); at >= 0; at = lastObjectAfterUsageKey(bytes, from, at - 1)) {
            Usage plain = UsageBytes.read(bytes, at, to); // the usual object, without a parser
            if (plain == UsageBytes.NO_COUNTS) continue;
            if (plain != UsageBytes.UNSURE) return Optional.of(plain);
            try (JsonParser p = FACTORY.createParser(bytes, at, to - at)) {
                Optional<Usage> u = stream(p);
                if (u.isPresent()) return u;
            } catch (IOException | RuntimeException unreadable) {
                // cut off (a tail) or not JSON: try an earlier one
            }
        }
        return Optional.empty();
    }

    /**
     * What {@link #read(JsonNode)} gives for the object the parser is at, read token by token without building
     * a tree (this runs once per answer on the request's thread). The object must be whole: one cut off throws.
     */
    static Optional<Usage> stream(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) return Optional.empty();
        Field prompt = new Field(), input = new Field(), completion = new Field(), output = new Field();
        Details promptDetails = new Details(), inputDetails = new Details();
        Details completionDetails = new Details(), outputDetails = new Details();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt.set(p, value);
                case "input_tokens" -> input.set(p, value);
                case "completion_tokens" -> completion.set(p, value);
                case "output_tokens" -> output.set(p, value);
                case "prompt_tokens_details" -> promptDetails.set(p, value, "cached_tokens");
                case "input_tokens_details" -> inputDetails.set(p, value, "cached_tokens");
                case "completion_tokens_details" -> completionDetails.set(p, value, "reasoning_tokens");
                case "output_tokens_details" -> outputDetails.set(p, value, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) throw new IOException("usage object cut off");
        Field pr = prompt.present() ? prompt : input;
        Field co = completion.present() ? completion : output;
        if (!pr.count && !co.count) return Optional.empty();
        Details pd = promptDetails.present() ? promptDetails : inputDetails;
        Details cd = completionDetails.present() ? completionDetails : outputDetails;
        return Optional.of(new Usage(pr.value(), co.value(), pd.inner.value(), cd.inner.value(), false));
    }

    /** One count field as read: absent, JSON null, or a value that may be a count. */
    private static final class Field {
        boolean seen;
        boolean isNull;
        boolean count;
        long value;

        void set(JsonParser p, JsonToken t) throws IOException {
            seen = true;
            isNull = t == JsonToken.VALUE_NULL;
            count = false;
            if (t == JsonToken.VALUE_NUMBER_INT) {
                // as JsonNode.asLong: a number past long's range wraps (and is then no count when negative)
                long v = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue().longValue() : p.getLongValue();
                count = v >= 0;
                value = v;
            } else {
                p.skipChildren();
            }
        }

        /** Present as {@link #first} means it: there and not null. */
        boolean present() {
            return seen && !isNull;
        }

        long value() {
            return count ? value : 0;
        }
    }

    /** A details object: the one count inside it that usage reads (its last occurrence, as in a tree). */
    private static final class Details {
        boolean seen;
        boolean isNull;
        Field inner = new Field();

        void set(JsonParser p, JsonToken t, String countName) throws IOException {
            seen = true;
            isNull = t == JsonToken.VALUE_NULL;
            inner = new Field();
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals(countName)) inner.set(p, value);
                else p.skipChildren();
            }
            if (p.currentToken() != JsonToken.END_OBJECT) throw new IOException("usage details cut off");
        }

        boolean present() {
            return seen && !isNull;
        }
    }

    /** Whether the bytes hold a {@code "usage"} key whose value is an object (not {@code null}). */
    public static boolean hasUsageObject(byte[] bytes, int from, int to) {
        return lastObjectAfterUsageKey(bytes, from, to) >= 0;
    }

    private static final byte[] KEY = {'"', 'u', 's', 'a', 'g', 'e', '"'};

    /** Offset of the '{' after the last unescaped "usage" key in [from, to), or -1. */
    static int lastObjectAfterUsageKey(byte[] b, int from, int to) {
        for (int i = to - KEY.length; i >= from; i--) {
            if (b[i] != '"' || b[i + 1] != 'u') continue;
            boolean key = true;
            for (int k = 2; k < KEY.length && key; k++) key = b[i + k] == KEY[k];
            if (!key || (i > from && b[i - 1] == '\\')) continue;
            int j = UsageBytes.skipSpace(b, i + KEY.length, to);
            if (j >= to || b[j] != ':') continue;
            j = UsageBytes.skipSpace(b, j + 1, to);
            if (j < to && b[j] == '{') return j;
        }
        return -1;
    }

    private static JsonNode first(JsonNode node, String a, String b) {
        JsonNode v = node.get(a);
        return v != null && !v.isNull() ? v : node.get(b);
    }

    private static boolean count(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.asLong() >= 0;
    }

    private static long value(JsonNode n) {
        return count(n) ? n.asLong() : 0;
    }
}
