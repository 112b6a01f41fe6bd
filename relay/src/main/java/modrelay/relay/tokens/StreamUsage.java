package modrelay.relay.tokens;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import modrelay.moderation.text.Json;

/**
 * Reads a chat or completions event stream's usage as it arrives (the bytes kept for counting too) and, when the
 * relay (not the client) asked for it, takes it out, so the client gets the stream it asked for: the usage-only
 * chunk ({@code "choices": []} with {@code usage}) is dropped, a usage object on a chunk that also carries choices
 * is removed from that chunk, and the {@code "usage":null} member the upstream adds to every other chunk once
 * usage is asked for is cut out of it. Every other byte passes as it came.
 *
 * <p>The common chunk (whole events, no usage object) costs one copy into the stream's examining buffer, one byte
 * scan and, when stripping, one new array without its null usage members (none when it has none: the chunk itself
 * passes); only events holding a usage object are read as JSON. When stripping, a partial event waits for its
 * end (a client cannot read it before that anyway); a run of more than {@link #MAX_PENDING} bytes without an event
 * end passes unexamined. When only reading, every chunk passes at once.
 *
 * <p>In a moderated stream this runs before the moderation gate: the gate judges, and the client receives, the
 * stream the client asked for, and a cut's tail carries no usage chunk the client did not ask for.
 */
public final class StreamUsage {
    static final int MAX_PENDING = 1024 * 1024;

    private final UsageTrace trace;
    private final boolean strip;
    /**
     * This stream's bytes being examined: {@code [0, open)} the start of an event that has not ended yet (held
     * back when stripping), then the new chunk. A chunk costs one copy into it (a chunk from the network is a
     * slice of a larger read, which would be copied to be scanned anyway). It is kept only while it holds the
     * start of an event: an open stream that waits for its next token holds no buffer (thousands of open
     * streams each held one the size of their largest chunk).
     */
    private byte[] buf = EMPTY;
    private int open;

    /**
     * One stream's reader, called by the body's first stage ({@code BodyDeadlines}) for each chunk: it is not a stage
     * of its own, since every open stream holds each of its stages.
     *
     * @param strip take the usage out (the relay asked for it); else only read it and pass every byte
     */
    public StreamUsage(UsageTrace trace, boolean strip) {
        this.trace = trace;
        this.strip = strip;
    }

    /** What goes on to the client for this chunk: when stripping, its complete events (empty: none yet), else itself. */
    public ByteString chunk(ByteString chunk) {
        trace.received(chunk, true);
        int held = open;
        int len = held + chunk.size();
        if (buf.length < len) buf = Arrays.copyOf(buf, Math.max(len, Math.min(2 * buf.length, len + 4096)));
        chunk.copyToBuffer(ByteBuffer.wrap(buf, held, chunk.size()));
        // a blank line may begin in the held bytes' last two
        int complete = endsOnBoundary(buf, len) ? len : lastBoundaryEnd(buf, Math.max(0, held - 2), len);
        ByteString passed = complete == 0 ? null : examine(buf, complete, held == 0 && complete == len ? chunk : null);
        open = len - complete;
        System.arraycopy(buf, complete, buf, 0, open);
        if (open > MAX_PENDING) { // no event end in sight: passed unexamined
            if (strip) passed = concat(passed, ByteString.fromArray(buf, 0, open));
            open = 0;
        }
        if (open == 0) buf = EMPTY;
        if (!strip) return chunk; // read only: every byte goes on as it came, at once
        return passed == null ? ByteString.emptyByteString() : passed;
    }

    /** At the body's end: the start of an event that never ended, held back when stripping (else empty). */
    public ByteString end() {
        return strip && open > 0 ? ByteString.fromArray(buf, 0, open) : ByteString.emptyByteString();
    }

    private static final byte[] EMPTY = new byte[0];

    private static ByteString concat(ByteString a, ByteString b) {
        return a == null ? b : a.concat(b);
    }

    /**
     * The complete events in {@code b[0, to)}, their usage read; when stripping, what the client gets of them
     * ({@code same}, when given, holds the same bytes and is passed when nothing is taken out); when only reading, null.
     */
    private ByteString examine(byte[] b, int to, ByteString same) {
        int key = nextUsageKey(b, 0, to);
        if (key < 0) return strip ? copyOrSame(b, 0, to, same) : null; // the common chunk: no usage member at all
        if (strip) {
            ByteString cut = withoutNullUsage(b, 0, to, key, same); // null: it met a usage object
            if (cut != null) return cut;
        } else if (!hasUsageObject(b, key, to)) {
            return null;
        }
        // a usage object somewhere: event by event, only those holding one read as JSON
        ByteString passed = ByteString.emptyByteString();
        int start = 0;
        for (int end = nextBoundaryEnd(b, 0, to); end > 0; end = nextBoundaryEnd(b, end, to)) {
            int k = nextUsageKey(b, start, end);
            ByteString event;
            if (k >= 0 && hasUsageObject(b, k, end)) event = withUsageRead(b, start, end);
            else if (!strip) event = null;
            else if (k >= 0) event = withoutNullUsage(b, start, end, k, null);
            else event = ByteString.fromArray(b, start, end - start);
            if (strip) passed = passed.concat(event);
            start = end;
        }
        return passed;
    }

    private static ByteString copyOrSame(byte[] b, int from, int to, ByteString same) {
        return same != null ? same : ByteString.fromArray(b, from, to - from);
    }

    /**
     * The event {@code b[from, to)}, holding a usage object: read; when stripping, dropped when it is the usage chunk,
     * else its usage removed (cut out of its bytes by {@link UsageEvent}, or, when that reader is unsure, the event
     * read as a tree and written again); else as it came (or null: only reading, nothing is passed from here).
     */
    private ByteString withUsageRead(byte[] b, int from, int to) {
        UsageEvent.Found found = UsageEvent.find(b, from, to); // the usual event, without a parser
        if (found != null) {
            trace.reported(found.usage());
            if (!strip) return null; // only read: the caller passes the chunk as it came
            if (found.usageOnly()) return ByteString.emptyByteString();
            byte[] cut = new byte[(to - from) - (found.memberTo() - found.memberFrom())];
            System.arraycopy(b, from, cut, 0, found.memberFrom() - from);
            System.arraycopy(b, found.memberTo(), cut, found.memberFrom() - from, to - found.memberTo());
            return ByteString.fromArrayUnsafe(cut);
        }
        ByteString event = ByteString.fromArray(b, from, to - from);
        String text = new String(b, from, to - from, StandardCharsets.UTF_8);
        int data = text.indexOf("data:");
        if (data < 0) return event;
        int lineEnd = text.indexOf('\n', data);
        String json = text.substring(data + 5, lineEnd < 0 ? text.length() : lineEnd).trim();
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return event;
        }
        if (!(node instanceof ObjectNode obj)) return event;
        Optional<Usage> usage = UsageJson.read(obj.get("usage"));
        if (usage.isEmpty()) {
            // the Responses API's usage is inside its response object (response.completed): read, never taken out
            UsageJson.findIn(b, from, to).ifPresent(trace::reported);
            return event;
        }
        trace.reported(usage.get());
        if (!strip) return event;
        JsonNode choices = obj.get("choices");
        if (choices == null || choices.isNull() || (choices.isArray() && choices.isEmpty())) return ByteString.emptyByteString();
        obj.remove("usage");
        return ByteString.fromString("data: " + Json.write(obj) + "\n\n", StandardCharsets.UTF_8);
    }

    /**
     * The events {@code b[from, to)} without their {@code "usage": null} members, the first key at {@code key}: each
     * cut out with the comma that joined it to its object, in one new array. Nothing to cut: {@code same} when given,
     * else a copy. Null when a usage key has an object value (the event-by-event reading then takes over): one scan
     * both cuts and looks for usage.
     */
    static ByteString withoutNullUsage(byte[] b, int from, int to, int key, ByteString same) {
        byte[] out = null;
        int written = 0;
        int copied = from;
        for (int k = key; k >= 0; k = nextUsageKey(b, k + 1, to)) {
            int value = valueStart(b, k, to);
            if (value < to && b[value] == '{') return null;
            if (!isNull(b, value, to)) continue;
            int cutFrom = k;
            int cutTo = value + 4;
            int before = skipSpaceBack(b, k - 1, copied);
            if (before >= copied && b[before] == ',') {
                cutFrom = before; // ,"usage":null
            } else {
                int after = UsageBytes.skipSpace(b, cutTo, to);
                if (after < to && b[after] == ',') cutTo = after + 1; // {"usage":null, ...
            }
            if (out == null) out = new byte[to - from];
            System.arraycopy(b, copied, out, written, cutFrom - copied);
            written += cutFrom - copied;
            copied = cutTo;
        }
        if (out == null) return copyOrSame(b, from, to, same);
        System.arraycopy(b, copied, out, written, to - copied);
        written += to - copied;
        return ByteString.fromArrayUnsafe(out, 0, written);
    }

    private static final byte[] KEY = {'"', 'u', 's', 'a', 'g', 'e', '"'};

    /**
     * The offset of the next {@code "usage"} key (not inside a string: there its quotes are escaped) followed by a
     * colon, in {@code [from, to)}, or -1.
     */
    static int nextUsageKey(byte[] b, int from, int to) {
        for (int i = from; i + KEY.length <= to; i++) {
            if (b[i] != '"' || b[i + 1] != 'u') continue;
            boolean key = true;
            for (int k = 2; k < KEY.length && key; k++) key = b[i + k] == KEY[k];
            if (!key || (i > 0 && b[i - 1] == '\\')) continue;
            int j = UsageBytes.skipSpace(b, i + KEY.length, to);
            if (j < to && b[j] == ':') return i;
        }
        return -1;
    }

    /** Whether some usage key in {@code [key, to)}, the first at {@code key}, has an object value. */
    private static boolean hasUsageObject(byte[] b, int key, int to) {
        for (int k = key; k >= 0; k = nextUsageKey(b, k + 1, to)) {
            int v = valueStart(b, k, to);
            if (v < to && b[v] == '{') return true;
        }
        return false;
    }

    /** Where the value of the key at {@code key} starts (past the colon and spaces). */
    private static int valueStart(byte[] b, int key, int to) {
        int j = UsageBytes.skipSpace(b, key + KEY.length, to);
        return UsageBytes.skipSpace(b, j + 1, to); // j is the colon
    }

    private static boolean isNull(byte[] b, int at, int to) {
        return at + 4 <= to && b[at] == 'n' && b[at + 1] == 'u' && b[at + 2] == 'l' && b[at + 3] == 'l';
    }

    private static int skipSpaceBack(byte[] b, int i, int from) {
        while (i >= from && isSpace(b[i])) i--;
        return i;
    }

    /** The end of the last complete event in {@code b[0, to)} whose blank line starts at or after {@code from} (0: none). */
    static int lastBoundaryEnd(byte[] b, int from, int to) {
        int last = 0;
        for (int end = nextBoundaryEnd(b, from, to); end > 0; end = nextBoundaryEnd(b, end, to)) last = end;
        return last;
    }

    /** The offset just past the first blank line ("\n\n" or "\n\r\n") in {@code b[from, to)}, or -1. */
    private static int nextBoundaryEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != '\n') continue;
            if (i + 1 < to && b[i + 1] == '\n') return i + 2;
            if (i + 2 < to && b[i + 1] == '\r' && b[i + 2] == '\n') return i + 3;
        }
        return -1;
    }

    static boolean endsOnBoundary(byte[] b, int n) {
        return n >= 2 && b[n - 1] == '\n' && (b[n - 2] == '\n' || (n >= 3 && b[n - 2] == '\r' && b[n - 3] == '\n'));
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
