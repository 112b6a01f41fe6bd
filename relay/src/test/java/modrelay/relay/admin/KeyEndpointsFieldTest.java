package modrelay.relay.admin;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import modrelay.relay.access.EndpointRules;
import modrelay.relay.access.ModelRules;
import modrelay.relay.access.SubKey;
import modrelay.relay.access.SubKeyPatch;
import org.junit.jupiter.api.Test;

/** allowed_endpoints in the admin API: set on create and patch, validated naming the field, shown in the key view. */
class KeyEndpointsFieldTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    static byte[] b(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aNewKeyGetsTheDefaultsUnlessItSaysOtherwise() throws Exception {
        assertEquals(EndpointRules.DEFAULT, KeyRequests.create(b("{\"name\":\"a\"}"), NOW, false).endpoints());
        assertEquals(List.of("chat", "files", "batches.retrieve"),
                KeyRequests.create(b("{\"name\":\"a\",\"allowed_endpoints\":[\"chat\",\"files\",\"batches.retrieve\"]}"), NOW,
                        false).endpoints().granted());
        assertEquals(EndpointRules.DEFAULT,
                KeyRequests.create(b("{\"name\":\"a\",\"allowed_endpoints\":null}"), NOW, false).endpoints());
        assertEquals(List.of("*"), KeyRequests.create(b("{\"name\":\"a\",\"allowed_endpoints\":[\"*\"]}"), NOW, false)
                .endpoints().granted());
    }

    @Test
    void aPatchChangesTheAllowlistOnlyWhenItNamesIt() throws Exception {
        assertEquals(Optional.empty(), KeyRequests.patch(b("{\"name\":\"b\"}"), NOW, false).endpoints());
        SubKeyPatch p = KeyRequests.patch(b("{\"allowed_endpoints\":[\"assistants\"]}"), NOW, false);
        assertEquals(Optional.of(new EndpointRules(List.of("assistants"))), p.endpoints());
        assertFalse(p.isEmpty());
        assertEquals(Optional.of(EndpointRules.DEFAULT), KeyRequests.patch(b("{\"allowed_endpoints\":null}"), NOW, false).endpoints());
    }

    @Test
    void badAllowlistsAre400NamingTheField() {
        for (String bad : List.of("\"chat\"", "[]", "[\"chat\", 1]", "[\"fine-tuning\"]", "[\"files.upload\"]", "[null]", "{}",
                "[\"CHAT\"]")) {
            KeyRequests.Invalid e = assertThrows(KeyRequests.Invalid.class,
                    () -> KeyRequests.create(b("{\"name\":\"a\",\"allowed_endpoints\":" + bad + "}"), NOW, false), bad);
            assertEquals("allowed_endpoints", e.field(), bad);
            assertTrue(e.getMessage().contains("fine_tuning"), "the message lists the groups: " + e.getMessage());
        }
    }

    @Test
    void theViewShowsTheAllowlist() {
        SubKey k = new SubKey("key_v", "view", "0".repeat(64), "mr-…abcd", NOW, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty(), Optional.empty(), ModelRules.ANY, Optional.empty(),
                new EndpointRules(List.of("chat", "files.create")));
        JsonNode view = KeyViews.key(k, NOW, Optional.empty());
        assertEquals("[\"chat\",\"files.create\"]", view.get("allowed_endpoints").toString());
    }
}
