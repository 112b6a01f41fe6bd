package modrelay.relay.admin;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import modrelay.relay.access.EndpointRules;
import modrelay.relay.access.ModelRules;
import modrelay.relay.access.SubKey;
import modrelay.relay.access.SubKeyBinding;
import modrelay.relay.access.SubKeyPatch;
import org.junit.jupiter.api.Test;

/** upstream, model pin, defaults and caps in the admin API: set on create and patch part by part, validated naming the field, shown. */
class KeyBindingFieldsTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    static byte[] b(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aNewKeyCarriesItsBinding() throws Exception {
        SubKeyBinding none = KeyRequests.create(b("{\"name\":\"a\"}"), NOW, false).binding();
        assertEquals(SubKeyBinding.NONE, none);
        SubKeyBinding bound = KeyRequests.create(b("{\"name\":\"a\",\"upstream\":\"deepseek\",\"defaults\":{\"temperature\":0.3,"
                + "\"response_format\":{\"type\":\"json_object\"}},\"caps\":{\"max_tokens\":1024}}"), NOW, false).binding();
        assertEquals(Optional.of("deepseek"), bound.upstream());
        assertEquals(Map.of("temperature", "0.3", "response_format", "{\"type\":\"json_object\"}"), bound.defaults());
        assertEquals(0, new BigDecimal(1024).compareTo(bound.caps().get("max_tokens")));
    }

    @Test
    void aModelPinIsSetAloneOrWithAnUpstreamAndClearedByNullOrEmpty() throws Exception {
        SubKeyBinding pinned = KeyRequests.create(b("{\"name\":\"a\",\"model\":\"gpt-4o-mini\"}"), NOW, false).binding();
        assertEquals(Optional.of("gpt-4o-mini"), pinned.model());
        assertEquals(Optional.empty(), pinned.upstream());
        SubKeyBinding both = KeyRequests.create(b("{\"name\":\"a\",\"upstream\":\"beta\",\"model\":\"deepseek-chat\"}"), NOW,
                false).binding();
        assertEquals(Optional.of("beta"), both.upstream());
        assertEquals(Optional.of("deepseek-chat"), both.model());
        SubKeyBinding kept = KeyRequests.patch(b("{\"caps\":{\"max_tokens\":5}}"), NOW, false).binding().applyTo(both);
        assertEquals(Optional.of("deepseek-chat"), kept.model(), "a patch that does not name the pin keeps it");
        for (String clear : List.of("{\"model\":null}", "{\"model\":\"\"}")) {
            SubKeyBinding cleared = KeyRequests.patch(b(clear), NOW, false).binding().applyTo(both);
            assertEquals(Optional.empty(), cleared.model(), clear);
            assertEquals(Optional.of("beta"), cleared.upstream(), clear);
        }
    }

    @Test
    void aModelPinIsOneModelNameAsTheModelRulesReadOne() {
        for (String bad : List.of("{\"model\":\"gpt 4o\"}", "{\"model\":\" gpt-4o\"}", "{\"model\":\"gpt-4o\\n\"}",
                "{\"model\":\"\u00e9\"}", "{\"model\":3}", "{\"model\":[\"gpt-4o\"]}", "{\"model\":{}}",
                "{\"model\":\"" + "m".repeat(257) + "\"}")) {
            KeyRequests.Invalid e = assertThrows(KeyRequests.Invalid.class, () -> KeyRequests.patch(b(bad), NOW, false), bad);
            assertEquals("model", e.field(), bad);
            assertTrue(e.getMessage().contains("'model'"), e.getMessage());
        }
    }

    @Test
    void aPatchReplacesOnlyThePartsItNames() throws Exception {
        SubKeyBinding before = new SubKeyBinding(Optional.of("deepseek"), Map.of("temperature", "0.3"),
                Map.of("max_tokens", BigDecimal.valueOf(100)));
        SubKeyPatch onlyCaps = KeyRequests.patch(b("{\"caps\":{\"max_tokens\":50}}"), NOW, false);
        SubKeyBinding after = onlyCaps.binding().applyTo(before);
        assertEquals(Optional.of("deepseek"), after.upstream());
        assertEquals(Map.of("temperature", "0.3"), after.defaults());
        assertEquals(0, BigDecimal.valueOf(50).compareTo(after.caps().get("max_tokens")));
        SubKeyBinding cleared = KeyRequests.patch(b("{\"upstream\":null,\"defaults\":null,\"caps\":{}}"), NOW, false).binding()
                .applyTo(before);
        assertEquals(SubKeyBinding.NONE, cleared);
        assertTrue(KeyRequests.patch(b("{\"name\":\"x\"}"), NOW, false).binding().isEmpty());
    }

    @Test
    void whatTheRelayJudgesOrRoutesByCannotBeBound() {
        for (String bad : List.of("{\"defaults\":{\"moderation\":false}}", "{\"defaults\":{\"moderation_level\":\"low\"}}",
                "{\"defaults\":{\"model\":\"gpt-4o\"}}", "{\"defaults\":{\"stream\":true}}", "{\"defaults\":{\"messages\":[]}}",
                "{\"caps\":{\"n\":1}}", "{\"defaults\":{\"bad name\":1}}", "{\"defaults\":[1]}", "{\"defaults\":\"x\"}")) {
            KeyRequests.Invalid e = assertThrows(KeyRequests.Invalid.class, () -> KeyRequests.patch(b(bad), NOW, false), bad);
            assertTrue(bad.contains("\"" + e.field() + "\""), bad + " → " + e.field());
        }
        for (String bad : List.of("{\"caps\":{\"max_tokens\":\"100\"}}", "{\"caps\":{\"max_tokens\":-1}}", "{\"caps\":[100]}")) {
            KeyRequests.Invalid e = assertThrows(KeyRequests.Invalid.class, () -> KeyRequests.patch(b(bad), NOW, false), bad);
            assertEquals("caps", e.field(), bad);
        }
        for (String bad : List.of("{\"upstream\":\"\"}", "{\"upstream\":\"a b\"}", "{\"upstream\":3}")) {
            KeyRequests.Invalid e = assertThrows(KeyRequests.Invalid.class, () -> KeyRequests.patch(b(bad), NOW, false), bad);
            assertEquals("upstream", e.field(), bad);
        }
    }

    @Test
    void theViewShowsTheBindingAndAKeyWithoutOneShowsNulls() {
        SubKey k = new SubKey("key_v", "view", "0".repeat(64), "mr-…abcd", NOW, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty(), Optional.empty(), ModelRules.ANY, Optional.empty(), EndpointRules.DEFAULT,
                modrelay.relay.access.SubKeyBudgets.NONE, new SubKeyBinding(Optional.of("beta"), Map.of("temperature", "0.2"), Map.of("max_tokens", BigDecimal.valueOf(64))));
        JsonNode view = KeyViews.key(k, NOW, Optional.empty());
        assertEquals("beta", view.get("upstream").asText());
        assertTrue(view.get("model").isNull(), "no pin: null");
        assertEquals("{\"temperature\":0.2}", view.get("defaults").toString());
        assertEquals("{\"max_tokens\":64}", view.get("caps").toString());
        SubKey plain = new SubKey("key_p", "plain", "0".repeat(64), "mr-…abcd", NOW, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty(), Optional.empty(), ModelRules.ANY, Optional.empty());
        JsonNode p = KeyViews.key(plain, NOW, Optional.empty());
        assertTrue(p.get("upstream").isNull());
        assertTrue(p.get("model").isNull());
        SubKey pinned = new SubKey("key_m", "pinned", "0".repeat(64), "mr-…abcd", NOW, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty(), Optional.empty(), ModelRules.ANY, Optional.empty(), EndpointRules.DEFAULT,
                modrelay.relay.access.SubKeyBudgets.NONE, new SubKeyBinding(Optional.empty(), Optional.of("gpt-4o-mini"), Map.of(),
                Map.of()));
        assertEquals("gpt-4o-mini", KeyViews.key(pinned, NOW, Optional.empty()).get("model").asText());
        assertEquals("{}", p.get("defaults").toString());
        assertEquals("{}", p.get("caps").toString());
    }

    @Test
    void theStoredFormRoundTrips() throws Exception {
        SubKeyBinding b = new SubKeyBinding(Optional.of("beta"), Optional.of("gpt-4o-mini"), Map.of("stop", "[\"\\n\"]", "temperature", "0.2"),
                Map.of("max_tokens", new BigDecimal("64"), "top_p", new BigDecimal("0.9")));
        SubKeyBinding back = SubKeyBinding.fromJson(b.toJson());
        assertEquals(b.upstream(), back.upstream());
        assertEquals(Optional.of("gpt-4o-mini"), back.model());
        assertEquals(b.defaults(), back.defaults());
        assertEquals(0, b.caps().get("top_p").compareTo(back.caps().get("top_p")));
        assertEquals(SubKeyBinding.NONE, SubKeyBinding.fromJson("{}"));
    }
}
