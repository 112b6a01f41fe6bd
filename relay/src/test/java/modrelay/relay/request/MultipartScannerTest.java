package modrelay.relay.request;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartScannerTest {
    static final String BOUNDARY = "----form-boundary-7MA4YWxkTrZu0gW";

    static byte[] form(String... fieldsAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            String name = fieldsAndValues[i];
            boolean file = name.equals("file");
            String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                    + (file ? "; filename=\"a.wav\"\r\nContent-Type: audio/wav" : "") + "\r\n\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(fieldsAndValues[i + 1].getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** A file whose bytes look like everything a parser could trip on. */
    static String nastyFile(int size) {
        StringBuilder b = new StringBuilder();
        Random r = new Random(7);
        while (b.length() < size) {
            switch (r.nextInt(5)) {
                case 0 -> b.append("\r\n--").append(BOUNDARY, 0, r.nextInt(BOUNDARY.length()));
                case 1 -> b.append("\r\n\r\n");
                case 2 -> b.append("name=\"model\"");
                default -> b.append((char) r.nextInt(256));
            }
        }
        return b.toString();
    }

    static List<String> scanInChunks(byte[] body, int chunk) {
        MultipartScanner s = new MultipartScanner(BOUNDARY);
        List<String> found = new ArrayList<>();
        for (int i = 0; i < body.length; i += chunk) found.addAll(s.feed(Arrays.copyOfRange(body, i, Math.min(body.length, i + chunk))));
        return found;
    }

    @Test
    void findsTheModelBeforeOrAfterTheFileAtEveryChunkSize() {
        String file = nastyFile(3000);
        byte[] before = form("model", "whisper-1", "file", file, "language", "en");
        byte[] after = form("file", file, "model", "gpt-4o-transcribe", "response_format", "json");
        for (int chunk = 1; chunk <= 97; chunk++) {
            assertEquals(List.of("whisper-1"), scanInChunks(before, chunk), "chunk " + chunk);
            assertEquals(List.of("gpt-4o-transcribe"), scanInChunks(after, chunk), "chunk " + chunk);
        }
        assertEquals(List.of("gpt-4o-transcribe"), scanInChunks(after, after.length));
    }

    @Test
    void everyModelFieldIsReportedSoASecondCannotSlipPast() {
        assertEquals(List.of("gpt-4o-mini", "gpt-4o-audio"), scanInChunks(form("model", "gpt-4o-mini", "file", "x",
                "model", "gpt-4o-audio"), 5));
    }

    @Test
    void formsWithoutAModelReportNothing() {
        assertEquals(List.of(), scanInChunks(form("purpose", "fine-tune", "file", nastyFile(500)), 13));
        assertEquals(List.of(), scanInChunks("not a form at all".getBytes(StandardCharsets.UTF_8), 4));
    }

    @Test
    void anOverlongModelIsUnreadableNotIgnored() {
        List<String> found = scanInChunks(form("model", "g".repeat(5000), "file", "x"), 100);
        assertEquals(1, found.size());
        assertSame(MultipartScanner.UNREADABLE, found.get(0));
    }

    @Test
    void fieldNamesAreReadFromContentDispositionOnly() {
        assertTrue(MultipartScanner.isModelField("\r\nContent-Disposition: form-data; name=\"model\""));
        assertTrue(MultipartScanner.isModelField("\r\ncontent-disposition: form-data;name=model"));
        assertFalse(MultipartScanner.isModelField("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model\""));
        assertFalse(MultipartScanner.isModelField("\r\nContent-Disposition: form-data; filename=\"model\"; name=\"file\""));
        assertFalse(MultipartScanner.isModelField("\r\nX-Note: name=\"model\""));
    }
}
