package modrelay.relay.response;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import modrelay.relay.response.AnswerReading.Decoding;
import modrelay.relay.response.AnswerReading.Readable;
import modrelay.relay.response.AnswerReading.Shape;
import modrelay.relay.response.AnswerReading.Unreadable;
import org.junit.jupiter.api.Test;

class AnswerReadingTest {

    @Test
    void plainSseAndJsonAreRead() {
        assertEquals(new Readable(Decoding.IDENTITY, Shape.EVENT_STREAM), AnswerReading.of(List.of(), "text/event-stream"));
        assertEquals(new Readable(Decoding.IDENTITY, Shape.WHOLE_JSON), AnswerReading.of(List.of(), "application/json"));
        assertEquals(new Readable(Decoding.IDENTITY, Shape.WHOLE_JSON), AnswerReading.of(List.of(), "Application/Problem+JSON"));
        assertEquals(new Readable(Decoding.IDENTITY, Shape.EVENT_STREAM), AnswerReading.of(List.of("identity"), "TEXT/EVENT-STREAM"));
    }

    @Test
    void gzipAndDeflateAreDecoded() {
        assertEquals(new Readable(Decoding.GZIP, Shape.EVENT_STREAM), AnswerReading.of(List.of("gzip"), "text/event-stream"));
        assertEquals(new Readable(Decoding.GZIP, Shape.WHOLE_JSON), AnswerReading.of(List.of(" X-GZIP "), "application/json"));
        assertEquals(new Readable(Decoding.DEFLATE, Shape.WHOLE_JSON), AnswerReading.of(List.of("Deflate"), "application/json"));
    }

    @Test
    void otherEncodingsAreNotRead() {
        for (String encoding : List.of("br", "x-zzz", "compress", "zstd", "gzip, gzip", "gzip, br")) {
            AnswerReading r = AnswerReading.of(List.of(encoding), "text/event-stream");
            Unreadable u = assertInstanceOf(Unreadable.class, r, encoding);
            assertEquals(Optional.of(Shape.EVENT_STREAM), u.declared(), "the declared shape decides how it is refused");
        }
        assertInstanceOf(Unreadable.class, AnswerReading.of(List.of("gzip", "gzip"), "application/json"),
                "two headers are two layers");
    }

    @Test
    void otherMediaTypesAreNotRead() {
        for (String type : List.of("text/plain", "application/octet-stream", "text/html", "text/x+json", "", "none/none")) {
            Unreadable u = assertInstanceOf(Unreadable.class, AnswerReading.of(List.of(), type), type);
            assertEquals(Optional.empty(), u.declared());
        }
    }

    @Test
    void reasonsAreBoundedAndPrintable() {
        Unreadable u = (Unreadable) AnswerReading.of(List.of("x-\u0001" + "z".repeat(500)), "application/json");
        assertTrue(u.reason().length() < 120, u.reason());
        assertFalse(u.reason().contains("\u0001"));
    }
}
