package modrelay.moderation.sse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import org.junit.jupiter.api.Test;

class EventBoundaryTest {

    @Test
    void knowsEventBoundaries() {
        assertTrue(boundaryAfter(""));
        assertTrue(boundaryAfter("data: x\n\n"));
        assertTrue(boundaryAfter("data: x\r\n\r\n"));
        assertTrue(boundaryAfter("data: x\r\r"));
        assertFalse(boundaryAfter("data: x\n"));
        assertFalse(boundaryAfter("data: x\r\n"));
        assertFalse(boundaryAfter("data: x"));
        assertFalse(boundaryAfter("data: x\r\n\r"), "may still be the first half of CRLF");
    }

    @Test
    void readsTheEndOfLargerChunks() {
        EventBoundary boundary = new EventBoundary();
        boundary.after(ByteString.fromString("data: {\"a\":1}\n\ndata: {\"b\":"));
        assertFalse(boundary.atBoundary());
        boundary.after(ByteString.fromString("2}\r\n\r\n"));
        assertTrue(boundary.atBoundary());
    }

    private static boolean boundaryAfter(String text) {
        EventBoundary boundary = new EventBoundary();
        for (int i = 0; i < text.length(); i++) boundary.after(ByteString.fromString(text.substring(i, i + 1)));
        return boundary.atBoundary();
    }
}
