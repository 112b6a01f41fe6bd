package modrelay.loadtests.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 response parser fed with bytes as they arrive: status line and headers, then a body
 * framed by {@code Content-Length}, {@code Transfer-Encoding: chunked} or the end of the
 * connection. Body bytes are handed to a {@link BodySink} de-chunked. Enough of HTTP for the
 * benchmark tools (no 1xx, no trailers kept); one response per reader, {@link #reset()} for the
 * next one on the same connection.
 */
final class HttpResponseReader {
    interface BodySink {
        void body(byte[] bytes, int off, int len);
    }

    private enum State { HEADERS, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILER, UNTIL_CLOSE, COMPLETE }

    private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    private final StringBuilder sizeLine = new StringBuilder();
    private State state = State.HEADERS;
    private int status;
    private String contentType = "";
    private boolean keepAlive = true;
    private long remaining;
    private int trailerLineLength;
    /** The last four header bytes, to spot CRLF CRLF without copying. */
    private int last4;

    void reset() {
        head.reset();
        sizeLine.setLength(0);
        state = State.HEADERS;
        status = 0;
        contentType = "";
        keepAlive = true;
        remaining = 0;
        trailerLineLength = 0;
        last4 = 0;
    }

    /**
     * Consumes {@code [off, off+len)}; returns how many bytes it used (fewer than {@code len} only
     * when the response completed inside the range).
     */
    int feed(byte[] b, int off, int len, BodySink sink) {
        int i = off;
        int end = off + len;
        while (i < end && state != State.COMPLETE) {
            switch (state) {
                case HEADERS -> {
                    byte c = b[i++];
                    head.write(c);
                    last4 = (last4 << 8) | (c & 0xff);
                    if (last4 == 0x0d0a0d0a) parseHead();
                }
                case FIXED -> {
                    int n = (int) Math.min(remaining, end - i);
                    sink.body(b, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) state = State.COMPLETE;
                }
                case UNTIL_CLOSE -> {
                    sink.body(b, i, end - i);
                    i = end;
                }
                case CHUNK_SIZE -> {
                    char c = (char) b[i++];
                    if (c == '\n') {
                        String hex = sizeLine.toString().trim();
                        int semi = hex.indexOf(';');
                        if (semi >= 0) hex = hex.substring(0, semi);
                        remaining = Long.parseLong(hex, 16);
                        sizeLine.setLength(0);
                        state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
                        trailerLineLength = 0;
                    } else {
                        sizeLine.append(c);
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    sink.body(b, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_CRLF;
                        remaining = 2;
                    }
                }
                case CHUNK_CRLF -> {
                    i++;
                    if (--remaining == 0) state = State.CHUNK_SIZE;
                }
                case TRAILER -> {
                    byte c = b[i++];
                    if (c == '\n') {
                        if (trailerLineLength == 0) state = State.COMPLETE;
                        trailerLineLength = 0;
                    } else if (c != '\r') {
                        trailerLineLength++;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return i - off;
    }

    private void parseHead() {
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        status = Integer.parseInt(statusLine[1]);
        long contentLength = -1;
        boolean chunked = false;
        for (int k = 1; k < lines.length; k++) {
            int colon = lines[k].indexOf(':');
            if (colon <= 0) continue;
            String name = lines[k].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[k].substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-type" -> contentType = value;
                case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        head.reset();
        if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.COMPLETE : State.FIXED;
        } else {
            keepAlive = false;
            state = State.UNTIL_CLOSE;
        }
    }

    boolean headersDone() {
        return state != State.HEADERS;
    }

    boolean complete() {
        return state == State.COMPLETE;
    }

    /** A body that runs until the connection closes is complete when it does. */
    boolean completeOnClose() {
        return state == State.UNTIL_CLOSE;
    }

    int status() {
        return status;
    }

    String contentType() {
        return contentType;
    }

    boolean keepAlive() {
        return keepAlive;
    }
}
