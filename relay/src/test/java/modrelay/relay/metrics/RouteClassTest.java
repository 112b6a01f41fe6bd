package modrelay.relay.metrics;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RouteClassTest {
    @Test
    void pathsFallIntoTheFixedSet() {
        assertEquals("chat", RouteClass.of("/v1/chat/completions"));
        assertEquals("chat", RouteClass.of("/v1/chat/completions/chatcmpl-1/messages"));
        assertEquals("completions", RouteClass.of("/v1/completions?x=1"));
        assertEquals("responses", RouteClass.of("/v1/responses"));
        assertEquals("responses", RouteClass.of("/v1/responses/resp_123"));
        assertEquals("embeddings", RouteClass.of("/v1/embeddings"));
        assertEquals("audio", RouteClass.of("/v1/audio/speech"));
        assertEquals("files", RouteClass.of("/v1/files/file-1/content"));
        assertEquals("models", RouteClass.of("/v1/models/gpt-4o"));
        assertEquals("other", RouteClass.of("/v1/images/generations"));
        assertEquals("other", RouteClass.of("/v1/chat/completionsX"));
        assertEquals("other", RouteClass.of("/anything/a-client/invents/" + "z".repeat(100)));
        assertEquals("other", RouteClass.of(""));
        assertEquals("chat", RouteClass.of("/chat/completions"), "upstreams without /v1 too");
    }
}
