package modrelay.relay.exchange;

import static org.junit.jupiter.api.Assertions.*;

import akka.http.javadsl.model.HttpEntity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import modrelay.relay.request.BodyEdit;
import modrelay.relay.request.JsonBody;
import org.junit.jupiter.api.Test;

/** A key's model pin is in every body built from the one reading: as first sent, with an upstream's own edits, or renamed. */
class UpstreamBodyPinTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final BodyEdit CAP = new BodyEdit(Set.of(), Map.of("temperature", "0.3"), Map.of("max_tokens", BigDecimal.valueOf(64)));

    static UpstreamBody.Json pinned(String body) throws Exception {
        return UpstreamBody.Json.of(JsonBody.parse(body.getBytes(StandardCharsets.UTF_8)), CAP, Optional.of("gpt-4o-mini"));
    }

    static JsonNode sent(akka.http.javadsl.model.RequestEntity e) throws Exception {
        return JSON.readTree(((HttpEntity.Strict) e).getData().utf8String());
    }

    @Test
    void thePinReplacesTheClientsModelOrIsAddedWhenItNamesNone() throws Exception {
        JsonNode named = sent(pinned("{\"model\":\"gpt-4o\",\"messages\":[],\"moderation\":true,\"max_tokens\":500}").entity());
        assertEquals("gpt-4o-mini", named.get("model").asText());
        assertEquals(64, named.get("max_tokens").asInt(), "the caps still hold");
        assertEquals(0.3, named.get("temperature").asDouble());
        assertFalse(named.has("moderation"), "flags are still removed");
        JsonNode none = sent(pinned("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").entity());
        assertEquals("gpt-4o-mini", none.get("model").asText());
        assertEquals("hi", none.at("/messages/0/content").asText());
    }

    @Test
    void anUpstreamsOwnEditsAndTheUsageRequestKeepThePin() throws Exception {
        UpstreamBody.Json b = pinned("{\"model\":\"gpt-4o\",\"stream\":true,\"logprobs\":true}");
        JsonNode stripped = sent(b.forUpstream(Optional.empty(), BodyEdit.dropping(Set.of("logprobs")), true));
        assertEquals("gpt-4o-mini", stripped.get("model").asText());
        assertFalse(stripped.has("logprobs"));
        assertTrue(stripped.at("/stream_options/include_usage").asBoolean());
    }

    @Test
    void anUpstreamThatKnowsThePinnedModelByAnotherNameGetsItsName() throws Exception {
        UpstreamBody.Json b = pinned("{\"model\":\"gpt-4o\"}");
        assertEquals("mini-2024", sent(b.forUpstream(Optional.of("mini-2024"), BodyEdit.NONE, false)).get("model").asText());
        assertEquals("mini-2024", sent(b.withModel("mini-2024")).get("model").asText());
    }

    @Test
    void withoutAPinTheClientsModelGoes() throws Exception {
        UpstreamBody.Json b = UpstreamBody.Json.of(JsonBody.parse("{\"model\":\"gpt-4o\",\"stream\":true}".getBytes(StandardCharsets.UTF_8)),
                CAP, Optional.empty());
        assertEquals("gpt-4o", sent(b.forUpstream(Optional.empty(), BodyEdit.dropping(Set.of("x")), true)).get("model").asText());
    }
}
