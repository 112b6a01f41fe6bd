package modrelay.relay.tokens;

import akka.NotUsed;
import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.javadsl.Flow;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import modrelay.moderation.text.Json;

/**
 * Reads a chat or completions event stream's usage as it arrives (the bytes kept for counting too) and, when the
 * relay (not the client) asked for it, takes it out, so the client gets the stream it asked for: the usage-only
 * chunk ({@code "choices": []} with {@code usage}) is dropped, a usage object on a chunk that also carries choices
 * is removed from that chunk, and the {@code "usage":null} member the upstream adds to every other chunk once
 * usage is asked for is cut out of it. Every other byte passes as it came.
 *
 * <p>The common chunk (whole events, no usage object) costs one byte scan and, when stripping, one copy without its
 * null usage members; only events holding a usage object are read as JSON. When stripping, a partial event waits for its
 * end (a client cannot read it before that anyway); a run of more than {@link #MAX_PENDING} bytes without an event
 * end passes unexamined. When only reading, every chunk passes at once.
 *
 * <p>In a moderated stream this runs before the moderation gate: the gate judges, and the client receives, the
 * stream the client asked for, and a cut's tail carries no usage chunk the client did not ask for.
 */
public final class StreamUsage extends GraphStage<FlowShape<ByteString, ByteString>> {
    static final int MAX_PENDING = 1024 * 1024;

    private final Inlet<ByteString> in = Inlet.create("StreamUsage.in");
    private final Outlet<ByteString> out = Outlet.create("StreamUsage.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final UsageTrace trace;
    private final boolean strip;

    private StreamUsage(UsageTrace trace, boolean strip) {
        this.trace = trace;
        this.strip = strip;
    }

    /** @param strip take the usage out (the relay asked for it); else only read it and pass every byte */
    public static Flow<ByteString, ByteString, NotUsed> flow(UsageTrace trace, boolean strip) {
        return Flow.fromGraph(new StreamUsage(trace, strip));
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            /** Bytes after the last complete event, waiting for the rest of their event. */
            private ByteString pending = ByteString.emptyByteString();

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        ByteString chunk = grab(in);
                        trace.received(chunk, true);
                        ByteString buf = pending.isEmpty() ? chunk : pending.concat(chunk);
                        int complete = endsOnBoundary(buf) ? buf.size() : lastBoundaryEnd(buf);
                        ByteString events = buf.take(complete);
                        ByteString passed = complete == 0 ? ByteString.emptyByteString() : examine(events);
                        pending = buf.drop(complete);
                        if (pending.size() > MAX_PENDING) {
                            passed = passed.concat(pending);
                            pending = ByteString.emptyByteString();
                        }
                        if (!strip) passed = chunk; // read only: every byte goes on as it came, at once
                        if (passed.isEmpty()) pull(in);
                        else push(out, passed);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (strip && !pending.isEmpty()) emit(out, pending);
                        completeStage();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }
                });
            }
        };
    }

    /** Complete events as the client gets them (their usage read either way). */
    private ByteString examine(ByteString events) {
        byte[] b = events.toArrayUnsafe(); // only read; a copy only when the events are not one whole array
        int key = nextUsageKey(b, 0, b.length);
        if (key < 0) return events; // the common chunk, when nothing was asked: no usage member at all
        if (!hasUsageObject(b, key, b.length)) return strip ? withoutNullUsage(events, b, key) : events;
        // a usage object somewhere: event by event, only those holding one read as JSON
        ByteString passed = ByteString.emptyByteString();
        int start = 0;
        for (int end = nextBoundaryEnd(b, 0); end > 0; end = nextBoundaryEnd(b, end)) {
            ByteString event = events.slice(start, end);
            int k = nextUsageKey(b, start, end);
            if (k >= 0 && hasUsageObject(b, k, end)) event = withUsageRead(event);
            else if (k >= 0 && strip) event = withoutNullUsage(event, event.toArrayUnsafe(), k - start);
            passed = passed.concat(event);
            start = end;
        }
        return passed;
    }

    /** An event holding a usage object: read; when stripping, dropped when it is the usage chunk, else its usage removed. */
    private ByteString withUsageRead(ByteString event) {
        String text = event.utf8String();
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
            byte[] bytes = event.toArray();
            UsageJson.findIn(bytes, 0, bytes.length).ifPresent(trace::reported);
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
     * {@code bytes} (whose bytes are {@code b}) without its {@code "usage": null} members, the first at {@code key}:
     * each cut out with the comma that joined it to its object, in one new array (cheaper than a rope of slices for
     * the one short cut of a usual chunk).
     */
    static ByteString withoutNullUsage(ByteString bytes, byte[] b, int key) {
        byte[] out = null;
        int written = 0;
        int from = 0;
        for (int k = key; k >= 0; k = nextUsageKey(b, k + 1, b.length)) {
            int value = valueStart(b, k, b.length);
            if (!isNull(b, value)) continue;
            int cutFrom = k;
            int cutTo = value + 4;
            int before = skipSpaceBack(b, k - 1);
            if (before >= from && b[before] == ',') {
                cutFrom = before; // ,"usage":null
            } else {
                int after = skipSpace(b, cutTo, b.length);
                if (after < b.length && b[after] == ',') cutTo = after + 1; // {"usage":null, ...
            }
            if (out == null) out = new byte[b.length];
            System.arraycopy(b, from, out, written, cutFrom - from);
            written += cutFrom - from;
            from = cutTo;
        }
        if (out == null) return bytes;
        System.arraycopy(b, from, out, written, b.length - from);
        written += b.length - from;
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
            int j = skipSpace(b, i + KEY.length, to);
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
        int j = skipSpace(b, key + KEY.length, to);
        return skipSpace(b, j + 1, to); // j is the colon
    }

    private static boolean isNull(byte[] b, int at) {
        return at + 4 <= b.length && b[at] == 'n' && b[at + 1] == 'u' && b[at + 2] == 'l' && b[at + 3] == 'l';
    }

    private static int skipSpace(byte[] b, int i, int to) {
        while (i < to && isSpace(b[i])) i++;
        return i;
    }

    private static int skipSpaceBack(byte[] b, int i) {
        while (i >= 0 && isSpace(b[i])) i--;
        return i;
    }

    /** The end of the last complete event in bytes (0: none). */
    static int lastBoundaryEnd(ByteString bytes) {
        byte[] b = bytes.toArrayUnsafe();
        int last = 0;
        for (int end = nextBoundaryEnd(b, 0); end > 0; end = nextBoundaryEnd(b, end)) last = end;
        return last;
    }

    /** The offset just past the first blank line ("\n\n" or "\n\r\n") at or after {@code from}, or -1. */
    private static int nextBoundaryEnd(byte[] b, int from) {
        int n = b.length;
        for (int i = from; i < n; i++) {
            if (b[i] != '\n') continue;
            if (i + 1 < n && b[i + 1] == '\n') return i + 2;
            if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n') return i + 3;
        }
        return -1;
    }

    static boolean endsOnBoundary(ByteString chunk) {
        int n = chunk.size();
        return n >= 2 && chunk.apply(n - 1) == '\n' && (chunk.apply(n - 2) == '\n'
                || (n >= 3 && chunk.apply(n - 2) == '\r' && chunk.apply(n - 3) == '\n'));
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
