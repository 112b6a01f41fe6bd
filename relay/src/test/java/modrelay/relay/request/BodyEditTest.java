package modrelay.relay.request;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Edits spliced into the one reading of a body: drops, defaults, caps, the model rename, and the flags always out. */
class BodyEditTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode edited(String body, Optional<String> model, BodyEdit edit) throws Exception {
        JsonBody b = JsonBody.parse(body.getBytes(StandardCharsets.UTF_8));
        return JSON.readTree(new String(b.upstream(model, edit, false), StandardCharsets.UTF_8));
    }

    private static BodyEdit caps(String name, long cap) {
        return new BodyEdit(Set.of(), Map.of(), Map.of(name, BigDecimal.valueOf(cap)));
    }

    @Test
    void dropsTakeTopLevelMembersOutAndNothingNested() throws Exception {
        JsonNode n = edited("{\"model\":\"m\",\"seed\":7,\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"seed\":1}]}",
                Optional.empty(), BodyEdit.dropping(Set.of("seed", "logprobs")));
        assertFalse(n.has("seed"));
        assertFalse(n.has("logprobs"));
        assertEquals(1, n.at("/messages/0/seed").asInt(), "only top-level members are the upstream's parameters");
        assertEquals("m", n.get("model").asText());
    }

    @Test
    void defaultsFillOnlyWhatTheRequestOmits() throws Exception {
        BodyEdit d = new BodyEdit(Set.of(), Map.of("temperature", "0.2", "user", "\"team-a\""), Map.of());
        JsonNode omitted = edited("{\"model\":\"m\",\"messages\":[]}", Optional.empty(), d);
        assertEquals(0.2, omitted.get("temperature").asDouble());
        assertEquals("team-a", omitted.get("user").asText());
        JsonNode set = edited("{\"model\":\"m\",\"temperature\":1.5,\"messages\":[]}", Optional.empty(), d);
        assertEquals(1.5, set.get("temperature").asDouble(), "the client's own value wins over a default");
        JsonNode explicitNull = edited("{\"model\":\"m\",\"temperature\":null}", Optional.empty(), d);
        assertTrue(explicitNull.get("temperature").isNull(), "null is a value the client set");
    }

    @Test
    void capsBoundLargerValuesAddMissingOnesAndHoldOnValuesTheyCannotRead() throws Exception {
        BodyEdit c = caps("max_tokens", 256);
        assertEquals(256, edited("{\"max_tokens\":100000}", Optional.empty(), c).get("max_tokens").asInt());
        assertEquals(100, edited("{\"max_tokens\":100}", Optional.empty(), c).get("max_tokens").asInt());
        assertEquals(256, edited("{\"max_tokens\":256}", Optional.empty(), c).get("max_tokens").asInt());
        assertEquals(256, edited("{\"model\":\"m\"}", Optional.empty(), c).get("max_tokens").asInt(), "absent: the cap is the bound");
        assertEquals(256, edited("{\"max_tokens\":\"9999\"}", Optional.empty(), c).get("max_tokens").asInt());
        assertEquals(256, edited("{\"max_tokens\":null}", Optional.empty(), c).get("max_tokens").asInt());
        assertEquals(256, edited("{\"max_tokens\":1e9}", Optional.empty(), c).get("max_tokens").asInt());
        assertEquals(256, edited("{\"max_tokens\":[1]}", Optional.empty(), c).get("max_tokens").asInt());
        assertEquals(-1, edited("{\"max_tokens\":-1}", Optional.empty(), c).get("max_tokens").asInt(), "not larger: the upstream judges it");
    }

    @Test
    void aCapWinsOverADefaultOfTheSameNameAndADropOverBoth() throws Exception {
        BodyEdit both = new BodyEdit(Set.of(), Map.of("max_tokens", "4096"), Map.of("max_tokens", BigDecimal.valueOf(512)));
        assertEquals(512, edited("{}", Optional.empty(), both).get("max_tokens").asInt());
        BodyEdit dropped = both.and(BodyEdit.dropping(Set.of("max_tokens")));
        assertFalse(edited("{\"max_tokens\":9}", Optional.empty(), dropped).has("max_tokens"));
    }

    @Test
    void theModelRenameAndTheFlagsGoWithTheEdit() throws Exception {
        JsonNode n = edited("{\"model\":\"deepseek-chat\",\"moderation\":true,\"moderation_level\":\"high\",\"stream\":true}",
                Optional.of("deepseek-v3"), caps("max_tokens", 64));
        assertEquals("deepseek-v3", n.get("model").asText());
        assertFalse(n.has("moderation"));
        assertFalse(n.has("moderation_level"));
        assertTrue(n.get("stream").asBoolean());
        assertEquals(64, n.get("max_tokens").asInt());
    }

    @Test
    void noEditIsTheClientsBytesExactly() throws Exception {
        String body = "{ \"model\" : \"m\",  \"messages\":[] }";
        JsonBody b = JsonBody.parse(body.getBytes(StandardCharsets.UTF_8));
        assertEquals(body, new String(b.upstream(Optional.empty(), BodyEdit.NONE, false), StandardCharsets.UTF_8));
    }

    @Test
    void namesAndValuesAreWrittenAsValidJson() throws Exception {
        BodyEdit d = new BodyEdit(Set.of(), Map.of("x\"y", "{\"a\":[1,2]}"), Map.of());
        JsonNode n = edited("{}", Optional.empty(), d);
        assertEquals(2, n.get("x\"y").get("a").get(1).asInt());
    }

    @Test
    void aBindingsEditAndTheUsageAskGoUpstreamTogetherInOneSplice() throws Exception {
        JsonBody b = JsonBody.parse(("{\"model\":\"m\",\"stream\":true,\"max_tokens\":9000,\"moderation\":true,"
                + "\"messages\":[]}").getBytes(StandardCharsets.UTF_8));
        BodyEdit edit = new BodyEdit(Set.of(), Map.of("temperature", "0.3"), Map.of("max_tokens", BigDecimal.valueOf(256)));
        byte[] out = b.upstream(Optional.of("m-2"), edit, true);
        JsonBody again = JsonBody.parse(out); // strict: a duplicate member would be refused here
        JsonNode n = JSON.readTree(out);
        assertEquals(Optional.of(true), again.includeUsage());
        assertEquals(256, n.get("max_tokens").asInt());
        assertEquals(0.3, n.get("temperature").asDouble());
        assertEquals("m-2", n.get("model").asText());
        assertFalse(n.has("moderation"), "the relay's own flags never go upstream");
    }
}
