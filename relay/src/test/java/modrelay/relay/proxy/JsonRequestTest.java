package modrelay.relay.proxy;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonRequestTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBodyWithoutFlagsGoesUpstreamByteForByte() throws Exception {
        byte[] body = b("{ \"model\" : \"gpt-4o\",\n \"stream\": true, \"messages\": [] }");
        JsonRequest r = JsonRequest.parse(body);
        assertSame(body, r.upstreamBody());
        assertTrue(r.stream());
        assertEquals(Optional.of("gpt-4o"), r.model());
        assertEquals(Optional.empty(), r.moderation());
    }

    @Test
    void flagsAreReadAndRemoved() throws Exception {
        JsonRequest r = JsonRequest.parse(b("{\"model\":\"m\",\"moderation\":true,\"moderation_level\":\"low\",\"x\":1}"));
        assertEquals(Optional.of(true), r.moderation());
        assertEquals(Optional.of("low"), r.moderationLevel());
        String up = new String(r.upstreamBody(), StandardCharsets.UTF_8);
        assertFalse(up.contains("moderation"), up);
        assertTrue(up.contains("\"x\":1"), up);
    }

    @Test
    void badJsonAndWrongFlagTypesAreTold() {
        JsonRequest.Invalid syntax = assertThrows(JsonRequest.Invalid.class, () -> JsonRequest.parse(b("{\"model\":")));
        assertTrue(syntax.syntax());
        assertTrue(assertThrows(JsonRequest.Invalid.class, () -> JsonRequest.parse(b("[1,2]"))).syntax());
        JsonRequest.Invalid flag = assertThrows(JsonRequest.Invalid.class, () -> JsonRequest.parse(b("{\"moderation\":\"yes\"}")));
        assertFalse(flag.syntax());
        assertTrue(flag.getMessage().contains("true or false"));
    }
}
