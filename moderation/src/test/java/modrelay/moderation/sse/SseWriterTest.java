package modrelay.moderation.sse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SseWriterTest {

    @Test
    void writesWhatOpenAiClientsParse() {
        assertEquals("data: {\"a\":1}\n\n", SseWriter.data("{\"a\":1}").utf8String());
        assertEquals("event: error\ndata: {}\n\n", SseWriter.event("error", "{}").utf8String());
        assertEquals(": ping\n\n", SseWriter.comment("ping").utf8String());
    }
}
