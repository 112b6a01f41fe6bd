package modrelay.relay.errors;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import modrelay.relay.endpoint.Endpoints;
import org.junit.jupiter.api.Test;

class EndpointErrorsTest {
    @Test
    void theRefusalIsA403InOpenAisShapeNamingEndpointAndGroup() throws Exception {
        OpenAiError e = EndpointErrors.moderationUnsupported(Endpoints.classify("GET", "/v1/threads/thread_1/messages"));
        assertEquals(403, e.status().intValue());
        JsonNode err = new ObjectMapper().readTree(e.json()).get("error");
        assertEquals("moderation_unsupported_endpoint", err.get("code").asText());
        assertEquals("invalid_request_error", err.get("type").asText());
        assertTrue(err.get("param").isNull());
        String m = err.get("message").asText();
        assertTrue(m.contains("GET /v1/threads/{id}/messages (threads.messages.list)"), m);
        assertTrue(m.contains("MODERATION_UNMODERATED_ENDPOINTS (threads.messages.list or group assistants)"), m);
        assertFalse(m.contains("thread_1"), "the message names the endpoint, not the client's ids");
    }

    @Test
    void unknownEndpointsAreNamedAsSuch() {
        String m = EndpointErrors.moderationUnsupported(Endpoints.classify("POST", "/v1/videos")).message();
        assertTrue(m.contains("does not know"), m);
        assertTrue(m.contains("(unknown or group other)"), m);
    }
}
