package modrelay.relay.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import modrelay.moderation.text.Json;
import org.junit.jupiter.api.Test;

/**
 * The parser-free usage reader answers exactly what Jackson's reading answers, or leaves it to Jackson: checked on
 * the shapes OpenAI and compatible servers send and on a large battery of generated objects, odd, hostile and cut off.
 */
class UsageBytesTest {
    /** What Jackson's reading gives: the usage, empty (no counts), or "throws" (not a whole JSON object). */
    private static Object jackson(byte[] b, int at) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(b, at, b.length - at)) {
            return UsageJson.stream(p);
        } catch (Exception e) {
            return "throws";
        }
    }

    /** Checks one object; true when the fast reader answered (rather than leaving it to Jackson). */
    private static boolean agrees(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        Usage fast = UsageBytes.read(b, 0, b.length);
        if (fast == UsageBytes.UNSURE) return false;
        Object expected = jackson(b, 0);
        Object got = fast == UsageBytes.NO_COUNTS ? Optional.empty() : Optional.of(fast);
        if (!expected.equals(got)) fail("for " + json + ": Jackson reads " + expected + ", the fast reader " + got);
        return true;
    }

    @Test
    void theShapesUpstreamsSendAreReadWithoutAParser() {
        String chat = "{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,\"prompt_tokens_details\":"
                + "{\"cached_tokens\":3,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":4,"
                + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
        String responses = "{\"input_tokens\":36,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":87,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":123}";
        String embeddings = "{\"prompt_tokens\":8,\"total_tokens\":8}";
        String spaced = "{ \"prompt_tokens\" : 5 ,\n  \"completion_tokens\": 7, \"prompt_tokens_details\": null }";
        for (String json : List.of(chat, responses, embeddings, spaced)) assertTrue(agrees(json), json);
        byte[] b = chat.getBytes(StandardCharsets.UTF_8);
        assertEquals(new Usage(19, 10, 3, 4, false), UsageBytes.read(b, 0, b.length));
        byte[] none = "{\"total_tokens\":3}".getBytes(StandardCharsets.UTF_8);
        assertSame(UsageBytes.NO_COUNTS, UsageBytes.read(none, 0, none.length));
    }

    @Test
    void whatItIsNotSureOfIsLeftToJackson() {
        for (String json : List.of("{\"prompt_tokens\":1.5}", "{\"prompt_tokens\":\"5\"}", "{\"\\u0070rompt_tokens\":5}",
                "{\"prompt_tokens\":12345678901234567890}", "{\"prompt_tokens\":5", "{\"prompt_tokens\":05}",
                "{\"prompt_tokens_details\":7,\"prompt_tokens\":1}", "{\"x\":\"é\",\"prompt_tokens\":1}")) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            assertSame(UsageBytes.UNSURE, UsageBytes.read(b, 0, b.length), json);
        }
    }

    @Test
    void generatedObjectsReadAsJacksonReadsThem() {
        Random random = new Random(20261202);
        int answered = 0;
        int total = 200_000;
        for (int n = 0; n < total; n++) {
            String json = object(random, 0);
            if (random.nextInt(8) == 0) json = json.substring(0, random.nextInt(json.length() + 1)); // cut off
            if (agrees(json)) answered++;
        }
        // most generated objects are plain enough to be read without a parser; the rest went to Jackson
        assertTrue(answered > total / 4, "read without a parser: " + answered + " of " + total);
    }

    private static final String[] KEYS = {"prompt_tokens", "completion_tokens", "input_tokens", "output_tokens",
            "prompt_tokens_details", "completion_tokens_details", "input_tokens_details", "output_tokens_details",
            "cached_tokens", "reasoning_tokens", "total_tokens", "audio_tokens", "x", "", "prompt_tokens ",
            "Prompt_tokens", "\\u0070rompt_tokens", "prompt\\\"tokens", "usage", "中文"};

    private static String object(Random r, int depth) {
        int fields = r.nextInt(depth == 0 ? 7 : 4);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < fields; i++) {
            String key = KEYS[r.nextInt(KEYS.length)];
            parts.add(space(r) + "\"" + key + "\"" + space(r) + ":" + space(r) + value(r, depth) + space(r));
        }
        return "{" + String.join(",", parts) + space(r) + "}";
    }

    private static String value(Random r, int depth) {
        switch (r.nextInt(depth < 3 ? 14 : 11)) {
            case 0, 1, 2: return Integer.toString(r.nextInt(1000));
            case 3: return r.nextBoolean() ? "-" + r.nextInt(100) : "-0";
            case 4: return r.nextBoolean() ? "null" : (r.nextBoolean() ? "true" : "false");
            case 5: return List.of("1.5", "2e3", "1E-2", "0.0", "05", "00", "-", "1.", "+1", "123456789012345678", "1234567890123456789",
                    "99999999999999999999", "nul", "nulls", "truex").get(r.nextInt(15));
            case 6: return "\"" + List.of("", "a", "\\\"", "\\\\", "\\u00e9", "}", "{\\\"usage\\\":{}}", "中", "\\n").get(r.nextInt(9)) + "\"";
            case 7: return "[" + (r.nextBoolean() ? "" : value(r, depth + 1) + "," + value(r, depth + 1)) + "]";
            case 8, 9, 10: return Long.toString(r.nextInt(50));
            default: return object(r, depth + 1);
        }
    }

    private static String space(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\n\t";
            default -> "";
        };
    }
}
