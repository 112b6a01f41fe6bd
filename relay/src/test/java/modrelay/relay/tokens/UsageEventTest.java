package modrelay.relay.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import modrelay.moderation.text.Json;
import org.junit.jupiter.api.Test;

/**
 * The parser-free reading of a stream's usage event decides what the tree reading decides (the usage, whether the
 * event is the usage-only chunk, and the event without its usage member), or leaves the event to that reading:
 * checked on what upstreams send and on a battery of generated events, odd, hostile and cut off.
 */
class UsageEventTest {
    private static final String USAGE = "{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":4}}";

    /** What the tree reading decides for a one-line event, or null when it finds no usage there. */
    private record Decision(Usage usage, boolean usageOnly, JsonNode without) {}

    private static Decision tree(String event) {
        String line = event.substring(5, event.indexOf('\n')).trim();
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (Exception e) {
            return null;
        }
        if (!(node instanceof ObjectNode obj)) return null;
        Optional<Usage> usage = UsageJson.read(obj.get("usage"));
        if (usage.isEmpty()) return null;
        JsonNode choices = obj.get("choices");
        boolean usageOnly = choices == null || choices.isNull() || (choices.isArray() && choices.isEmpty());
        ObjectNode without = obj.deepCopy();
        without.remove("usage");
        return new Decision(usage.get(), usageOnly, without);
    }

    /** Checks one event; true when the fast reader answered. */
    private static boolean agrees(String event) {
        byte[] b = event.getBytes(StandardCharsets.UTF_8);
        UsageEvent.Found found = UsageEvent.find(b, 0, b.length);
        if (found == null) return false;
        Decision expected = tree(event);
        if (expected == null) fail("the fast reader found " + found + " where the tree reading finds no usage: " + event);
        assertEquals(expected.usage(), found.usage(), event);
        assertEquals(expected.usageOnly(), found.usageOnly(), event);
        String cut = event.substring(0, found.memberFrom()) + event.substring(found.memberTo());
        assertTrue(cut.startsWith("data:") && cut.endsWith(event.substring(event.indexOf('\n'))), cut);
        try {
            assertEquals(expected.without(), Json.MAPPER.readTree(cut.substring(5, cut.indexOf('\n')).trim()),
                    "cut: " + cut + " from: " + event);
        } catch (Exception e) {
            fail("the cut event is not JSON: " + cut + " from: " + event);
        }
        return true;
    }

    @Test
    void theEventsUpstreamsSendAreReadWithoutAParser() {
        String usageOnly = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[],\"usage\":" + USAGE + "}\n\n";
        String withChoices = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":" + USAGE + "}\n\n";
        String first = "data:{\"usage\":" + USAGE + ", \"choices\":[{\"text\":\"x\"}]}\r\n\r\n";
        for (String e : List.of(usageOnly, withChoices, first)) assertTrue(agrees(e), e);
        byte[] b = usageOnly.getBytes(StandardCharsets.UTF_8);
        UsageEvent.Found found = UsageEvent.find(b, 0, b.length);
        assertNotNull(found);
        assertEquals(new Usage(19, 10, 3, 4, false), found.usage());
        assertTrue(found.usageOnly());
    }

    @Test
    void whatItIsNotSureOfIsLeftToTheTreeReading() {
        for (String e : List.of(
                "data: {\"usage\":" + USAGE + ",\"usage\":" + USAGE + "}\n\n",                 // twice
                "data: {\"choices\":[],\n\"usage\":" + USAGE + "}\n\n",                          // not one line
                "data: {\"choices\":[]}\ndata: {\"usage\":" + USAGE + "}\n\n",                   // two data lines
                "event: x\ndata: {\"usage\":" + USAGE + "}\n\n",                                 // another field first
                "data: {\"\\u0075sage\":" + USAGE + "}\n\n",                                     // an escaped key
                "data: {\"choices\":[],\"usage\":" + USAGE + "} x\n\n",                          // bytes after the object
                "data: {\"choices\":[],\"usage\":" + USAGE + "\n\n",                             // cut off
                "data: {\"type\":\"response.completed\",\"response\":{\"usage\":" + USAGE + "}}\n\n", // not top-level
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1.5}}\n\n")) {               // a float count
            byte[] b = e.getBytes(StandardCharsets.UTF_8);
            assertNull(UsageEvent.find(b, 0, b.length), e);
        }
    }

    @Test
    void generatedEventsAreDecidedAsTheTreeReadingDecidesThem() {
        Random random = new Random(20261203);
        int answered = 0;
        int total = 100_000;
        for (int n = 0; n < total; n++) {
            String event = event(random);
            if (random.nextInt(10) == 0) {
                int line = event.indexOf('\n');
                event = event.substring(0, random.nextInt(line + 1)) + event.substring(line); // cut inside the line
            }
            if (agrees(event)) answered++;
        }
        // about a fifth are plain enough (one usage key, no odd key, a usage object with counts): tens of thousands
        assertTrue(answered > total / 8, "read without a parser: " + answered + " of " + total);
    }

    private static final String[] KEYS = {"id", "object", "created", "model", "system_fingerprint", "choices", "usage",
            "usage", "x", "", "Usage", "usage ", "\\u0075sage", "choices\\\"", "中文"};

    private static String event(Random r) {
        int members = 1 + r.nextInt(6);
        List<String> parts = new ArrayList<>();
        boolean usage = false;
        for (int i = 0; i < members; i++) {
            String key = KEYS[r.nextInt(KEYS.length)];
            usage |= key.equals("usage");
            parts.add(space(r) + "\"" + key + "\"" + space(r) + ":" + space(r) + value(r, key) + space(r));
        }
        if (!usage) parts.add(r.nextInt(parts.size() + 1), "\"usage\":" + usageValue(r));
        String end = List.of("\n\n", "\r\n\r\n", "\n\r\n", "\n\n\n").get(r.nextInt(4));
        return "data:" + (r.nextBoolean() ? " " : "") + "{" + String.join(",", parts) + space(r) + "}" + end;
    }

    private static String value(Random r, String key) {
        if (key.equals("usage")) return usageValue(r);
        if (key.equals("choices")) {
            return List.of("[]", "[ ]", "null", "[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]", "{}", "0", "[null]",
                    "[{\"text\":\"\\\"usage\\\":{}\"}]").get(r.nextInt(8));
        }
        return List.of("1", "\"c\"", "\"a\\\"b\"", "null", "true", "[1,{\"usage\":{\"prompt_tokens\":2}}]", "{\"k\":[]}",
                "\"é\"", "1.5e3", "-0").get(r.nextInt(10));
    }

    private static String usageValue(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> "null";
            case 1 -> "{\"total_tokens\":3}";
            case 2 -> "{ \"prompt_tokens\" : " + r.nextInt(100) + " , \"completion_tokens\":" + r.nextInt(100) + " }";
            case 3 -> "{\"input_tokens\":5,\"output_tokens\":6,\"output_tokens_details\":{\"reasoning_tokens\":2}}";
            case 4 -> "{\"prompt_tokens\":\"5\"}";
            default -> USAGE;
        };
    }

    private static String space(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\t";
            default -> "";
        };
    }
}
