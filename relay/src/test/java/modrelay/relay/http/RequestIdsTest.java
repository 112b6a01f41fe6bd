package modrelay.relay.http;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    private static String of(String header) {
        return RequestIds.fromClientOrNew(Optional.ofNullable(header));
    }

    private static void replaced(String header) {
        String id = of(header);
        assertNotEquals(header, id, "kept: " + header);
        assertTrue(id.matches("req_[0-9a-f]{32}"), id);
    }

    @Test
    void shortSafeIdsAreKeptAsTheClientSentThem() {
        for (String ok : new String[] {"trace-1", "a", "01HZX3K9Q2", "550e8400-e29b-41d4-a716-446655440000", "span:abc.def_1+2=@x",
                "x".repeat(64)}) {
            assertEquals(ok, of(ok));
        }
        assertEquals("trace-2", of("  trace-2 "), "surrounding blanks are not part of it");
    }

    @Test
    void anythingElseGetsAFreshId() {
        replaced(null);
        replaced("");
        replaced("x".repeat(65));                    // too long
        replaced("a b");                             // space
        replaced("a\nINFO forged line");             // line break
        replaced("a\tb");                            // control
        replaced("a\u0000b");
        replaced("id\u2028x");                       // unicode line separator
        replaced("ünïcode");                         // beyond ASCII
        replaced("<script>");                        // markup
        replaced("a\"b");                            // quote (JSON/log escaping)
        replaced("a/b");                             // path-like
        replaced("k=v;x");                           // separators
        replaced("a\\b");
    }

    @Test
    void freshIdsDoNotRepeat() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) assertTrue(seen.add(of(null)));
    }
}
