package modrelay.relay.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Usage in every shape an answer carries it: chat, completions, Responses, embeddings; streamed and whole. */
class UsageJsonTest {

    private static Optional<Usage> find(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return UsageJson.findIn(b, 0, b.length);
    }

    @Test
    void chatCompletionWholeWithDetails() {
        String body = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
                + "\"completion_tokens\":30,\"total_tokens\":42,\"prompt_tokens_details\":{\"cached_tokens\":8},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":20}}}";
        assertEquals(Optional.of(new Usage(12, 30, 8, 20, false)), find(body));
    }

    @Test
    void legacyCompletionsWhole() {
        String body = "{\"object\":\"text_completion\",\"choices\":[{\"text\":\"x\"}],\"usage\":{\"prompt_tokens\":5,"
                + "\"completion_tokens\":7,\"total_tokens\":12}}";
        assertEquals(Optional.of(new Usage(5, 7, 0, 0, false)), find(body));
    }

    @Test
    void responsesWholeAndItsCompletedEvent() {
        String usage = "\"usage\":{\"input_tokens\":11,\"input_tokens_details\":{\"cached_tokens\":3},\"output_tokens\":9,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":4},\"total_tokens\":20}";
        assertEquals(Optional.of(new Usage(11, 9, 3, 4, false)), find("{\"object\":\"response\",\"output\":[]," + usage + "}"));
        String event = "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\","
                + "\"status\":\"completed\"," + usage + "}}\n\n";
        assertEquals(Optional.of(new Usage(11, 9, 3, 4, false)), find(event));
    }

    @Test
    void chatStreamUsageChunk() {
        String event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
                + "\"completion_tokens\":4,\"total_tokens\":7}}\n\n";
        assertEquals(Optional.of(new Usage(3, 4, 0, 0, false)), find(event));
    }

    @Test
    void embeddingsHaveOnlyPromptTokens() {
        assertEquals(Optional.of(new Usage(6, 0, 0, 0, false)),
                find("{\"object\":\"list\",\"data\":[],\"usage\":{\"prompt_tokens\":6,\"total_tokens\":6}}"));
    }

    @Test
    void nullUsageAndUsageInsideStringsAreNotUsage() {
        assertTrue(find("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n").isEmpty());
        // a model that writes JSON about usage: the key is escaped inside the string
        assertTrue(find("{\"choices\":[{\"message\":{\"content\":\"{\\\"usage\\\":{\\\"prompt_tokens\\\":1}}\"}}]}").isEmpty());
        assertTrue(find("{\"usage\":{\"note\":\"no counts\"}}").isEmpty());
    }

    @Test
    void aTruncatedLastUsageFallsBackToAnEarlierWholeOne() {
        String text = "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}} {\"usage\":{\"prompt_tok";
        assertEquals(Optional.of(new Usage(1, 2, 0, 0, false)), find(text));
    }

    @Test
    void spacesAroundTheColon() {
        assertEquals(Optional.of(new Usage(2, 3, 0, 0, false)),
                find("{ \"usage\" :\n { \"prompt_tokens\": 2, \"completion_tokens\": 3 } }"));
        assertTrue(UsageJson.hasUsageObject("\"usage\" : {".getBytes(StandardCharsets.UTF_8), 0, 11));
        assertFalse(UsageJson.hasUsageObject("\"usage\":null".getBytes(StandardCharsets.UTF_8), 0, 12));
    }

    @Test
    void negativeOrFractionalCountsAreNotCounts() {
        assertEquals(Optional.of(new Usage(0, 5, 0, 0, false)),
                UsageJson.read("{\"prompt_tokens\":-4,\"completion_tokens\":5}"));
        assertTrue(UsageJson.read("{\"prompt_tokens\":1.5}").isEmpty());
    }

    /**
     * The byte scan reads the usage object token by token (no tree) and must give what the tree reading gives,
     * for every shape a server may send: both families of names, nulls, duplicates, wrong types, huge and
     * negative numbers, details that are not objects, nesting and strings that look like counts.
     */
    @Test
    void theStreamingReadAgreesWithTheTreeReadOnOddShapes() {
        java.util.List<String> usages = java.util.List.of(
                "{}",
                "{\"prompt_tokens\":1}",
                "{\"completion_tokens\":2}",
                "{\"prompt_tokens\":null,\"input_tokens\":3,\"output_tokens\":4}",
                "{\"prompt_tokens\":5,\"input_tokens\":6,\"completion_tokens\":null,\"output_tokens\":7}",
                "{\"prompt_tokens\":\"8\",\"input_tokens\":9,\"completion_tokens\":1}",
                "{\"prompt_tokens\":1,\"prompt_tokens\":2,\"completion_tokens\":3,\"completion_tokens\":null}",
                "{\"prompt_tokens\":-1,\"completion_tokens\":-2}",
                "{\"prompt_tokens\":2.0,\"completion_tokens\":1e2}",
                "{\"prompt_tokens\":99999999999999999999999,\"completion_tokens\":18446744073709551617}",
                "{\"prompt_tokens\":9223372036854775807,\"completion_tokens\":0}",
                "{\"prompt_tokens\":[1],\"completion_tokens\":{\"a\":1},\"output_tokens\":5}",
                "{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":1,\"cached_tokens\":4}}",
                "{\"prompt_tokens\":1,\"prompt_tokens_details\":null,\"input_tokens_details\":{\"cached_tokens\":2}}",
                "{\"prompt_tokens\":1,\"prompt_tokens_details\":[{\"cached_tokens\":2}],\"input_tokens_details\":{\"cached_tokens\":3}}",
                "{\"prompt_tokens\":1,\"prompt_tokens_details\":7,\"completion_tokens_details\":\"x\"}",
                "{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":null}}",
                "{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"nested\":{\"cached_tokens\":9},\"cached_tokens\":-3}}",
                "{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":{\"n\":1}}}",
                "{\"prompt_tokens\":1,\"completion_tokens_details\":{\"reasoning_tokens\":5},\"output_tokens_details\":{\"reasoning_tokens\":6}}",
                "{\"output_tokens\":3,\"output_tokens_details\":{\"reasoning_tokens\":2},\"completion_tokens_details\":null}",
                "{\"extra\":{\"prompt_tokens\":50},\"list\":[{\"completion_tokens\":1}],\"completion_tokens\":4}",
                "{\"note\":\"prompt_tokens\\\":7\",\"completion_tokens\":true}",
                "{ \"prompt_tokens\" : 10 ,\n \"completion_tokens\" : 20 }");
        for (String u : usages) {
            assertEquals(UsageJson.read(u), find("{\"usage\":" + u + "}"), u);
            assertEquals(UsageJson.read(u), find("data: {\"choices\":[],\"usage\":" + u + "}\n\n"), u);
        }
    }

    @Test
    void aUsageObjectCutOffInsideItsDetailsIsNotRead() {
        assertTrue(find("{\"usage\":{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":1").isEmpty());
        assertTrue(find("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2").isEmpty());
    }
}
