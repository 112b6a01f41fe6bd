package modrelay.moderation.sse;

import akka.util.ByteString;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental SSE decoder: feed it chunks as they arrive, get back complete events.
 *
 * <p>Bytes are buffered until a blank line ends an event and only then decoded, so an event (or a
 * multi-byte UTF-8 character) split across TCP chunks survives. Line ends are LF, CRLF or CR. A CR at
 * the very end of a chunk is left undecided until the next byte (it may be the first half of CRLF),
 * which makes the result independent of how the bytes were chunked. Every input byte ends up in
 * exactly one event's {@code raw}, so re-emitting all raws reproduces the input.
 */
final class SseDecoder {

    private static final List<SseEvent> NONE = List.of();

    private final int maxEventBytes;
    private byte[] buf = new byte[256];
    /** Start of the current (incomplete) event in {@code buf}. */
    private int start;
    /** End of valid bytes in {@code buf}. */
    private int end;
    /** Next byte to examine. */
    private int scan;
    /** Start of the current line. */
    private int lineStart;
    /** Completed lines of the current event, as (start, end) offsets relative to {@code start}. */
    private final List<int[]> lines = new ArrayList<>();
    private boolean firstEvent = true;

    SseDecoder(int maxEventBytes) {
        if (maxEventBytes <= 0) throw new IllegalArgumentException("maxEventBytes must be positive");
        this.maxEventBytes = maxEventBytes;
    }

    /** Adds a chunk; returns the events it completed (often none, usually one). */
    List<SseEvent> feed(ByteString chunk) {
        if (chunk.isEmpty()) return NONE;
        append(chunk);
        return drain(false);
    }

    /** End of input: whatever is left (an unterminated last event) becomes one more event. */
    List<SseEvent> finish() {
        List<SseEvent> out = drain(true);
        if (end > start) {
            if (lineStart < end) lines.add(new int[] {lineStart - start, end - start});
            out = mutable(out);
            out.add(emit(end));
        }
        return out;
    }

    private List<SseEvent> drain(boolean finishing) {
        List<SseEvent> out = NONE;
        while (scan < end) {
            byte b = buf[scan];
            if (b != '\n' && b != '\r') {
                scan++;
                continue;
            }
            int terminatorEnd;
            if (b == '\n') {
                terminatorEnd = scan + 1;
            } else if (scan + 1 < end) {
                terminatorEnd = buf[scan + 1] == '\n' ? scan + 2 : scan + 1;
            } else if (finishing) {
                terminatorEnd = scan + 1;
            } else {
                break; // a lone CR at the end of what we have: wait for the next byte
            }
            boolean blank = scan == lineStart;
            if (blank) {
                out = mutable(out);
                out.add(emit(terminatorEnd));
            } else {
                lines.add(new int[] {lineStart - start, scan - start});
                lineStart = terminatorEnd;
                scan = terminatorEnd;
            }
        }
        if (end - start > maxEventBytes) throw new SseEventTooLargeException(maxEventBytes);
        return out;
    }

    /** Builds the event made of bytes [start, eventEnd) and moves past it. */
    private SseEvent emit(int eventEnd) {
        if (eventEnd - start > maxEventBytes) throw new SseEventTooLargeException(maxEventBytes);
        String eventType = "";
        StringBuilder data = null;
        boolean foreign = false;
        boolean comments = false;
        for (int[] line : lines) {
            String text = new String(buf, start + line[0], line[1] - line[0], StandardCharsets.UTF_8);
            if (firstEvent && !text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
            if (text.isEmpty()) continue;
            if (text.charAt(0) == ':') { // comment
                comments |= text.length() > 1;
                continue;
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            if (field.equals("data")) {
                if (data == null) data = new StringBuilder(value.length());
                else data.append('\n');
                data.append(value);
            } else if (field.equals("event")) {
                eventType = value;
            } else if (!field.isEmpty() && !field.equals("id") && !field.equals("retry")) {
                foreign = true;
            }
            // id and retry are kept in raw; the relay has no use for them.
        }
        SseEvent event = new SseEvent(eventType, data == null ? null : data.toString(),
                ByteString.fromArray(buf, start, eventEnd - start), foreign, comments);
        firstEvent = false;
        lines.clear();
        start = eventEnd;
        lineStart = eventEnd;
        scan = eventEnd;
        return event;
    }

    private void append(ByteString chunk) {
        int n = chunk.length();
        if (end + n > buf.length) {
            int live = end - start;
            if (live + n <= buf.length / 2 + buf.length / 4) {
                // plenty of room once consumed bytes are dropped
                System.arraycopy(buf, start, buf, 0, live);
            } else {
                byte[] bigger = new byte[Math.max(buf.length * 2, live + n)];
                System.arraycopy(buf, start, bigger, 0, live);
                buf = bigger;
            }
            scan -= start;
            lineStart -= start;
            end = live;
            start = 0;
        }
        chunk.copyToArray(buf, end, n);
        end += n;
    }

    private static List<SseEvent> mutable(List<SseEvent> list) {
        return list == NONE ? new ArrayList<>(2) : list;
    }
}
