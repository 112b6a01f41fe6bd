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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import modrelay.moderation.text.Json;

/**
 * Reads a chat or completions event stream's usage as it passes and, when the relay (not the client)
 * asked for it, takes it out: the usage-only chunk ({@code "choices": []} with {@code usage}) is
 * dropped, and a usage object on a chunk that also carries choices is removed from that chunk. Every
 * other byte passes as it came. Only events holding a {@code "usage"} key with an object value are read
 * as JSON, found by a byte scan; a chunk that ends on an event boundary and holds none passes at once,
 * untouched (the common case). When stripping, a partial event waits for its end (a client cannot
 * read it before that anyway); a run of more than {@link #MAX_PENDING} bytes without an event end passes
 * unexamined.
 */
public final class StreamUsage extends GraphStage<FlowShape<ByteString, ByteString>> {
    static final int MAX_PENDING = 1024 * 1024;

    private final Inlet<ByteString> in = Inlet.create("StreamUsage.in");
    private final Outlet<ByteString> out = Outlet.create("StreamUsage.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final UsageTrace trace;
    private final boolean strip;
    private final boolean keep;
    private final boolean read;

    private StreamUsage(UsageTrace trace, boolean strip, boolean keep, boolean read) {
        this.trace = trace;
        this.strip = strip;
        this.keep = keep;
        this.read = read;
    }

    /**
     * @param strip take the usage out (the relay asked for it); else only read it
     * @param keep  also keep the bytes as received, for counting when no usage comes
     * @param read  record the usage found (not after the moderation gate: a cut writes its own estimate there)
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(UsageTrace trace, boolean strip, boolean keep, boolean read) {
        return Flow.fromGraph(new StreamUsage(trace, strip, keep, read));
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private ByteString pending = ByteString.emptyByteString();

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        ByteString chunk = grab(in);
                        if (keep) trace.received(chunk, true);
                        if (pending.isEmpty() && endsOnBoundary(chunk) && !hasUsageObject(chunk)) {
                            push(out, chunk);
                            return;
                        }
                        ByteString buf = pending.concat(chunk).compact(); // one copy, so the scans below read one array
                        ByteString passed;
                        int complete = lastBoundaryEnd(buf);
                        if (!hasUsageObject(buf.take(complete))) {
                            // no usage among the complete events: they pass whole, without being cut into events
                            passed = strip ? buf.take(complete) : chunk;
                            pending = buf.drop(complete);
                        } else {
                            passed = strip ? ByteString.emptyByteString() : chunk;
                            ByteString rest = split(buf, strip);
                            if (strip) passed = lastPassed;
                            pending = rest;
                        }
                        if (pending.size() > MAX_PENDING) {
                            if (strip) passed = passed.concat(pending);
                            pending = ByteString.emptyByteString();
                        }
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

            private ByteString lastPassed = ByteString.emptyByteString();

            /** Reads (and when stripping, rewrites) the complete events in buf; returns the partial rest. */
            private ByteString split(ByteString buf, boolean rewrite) {
                ByteBuffer b = buf.asByteBuffer();
                int n = b.remaining();
                int base = b.position();
                ByteString passed = ByteString.emptyByteString();
                int start = 0;
                int i = 0;
                while (i < n) {
                    int end = boundaryEnd(b, base, i, n);
                    if (end < 0) {
                        i++;
                        continue;
                    }
                    ByteString event = buf.slice(start, end);
                    ByteString kept = event;
                    if (hasUsageObject(event)) kept = examine(event);
                    if (rewrite) passed = passed.concat(kept);
                    start = end;
                    i = end;
                }
                lastPassed = passed;
                return buf.drop(start);
            }
        };
    }

    /** The event as the client gets it: dropped when it is the usage chunk, its usage removed when it also has choices. */
    private ByteString examine(ByteString event) {
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
            UsageJson.findIn(bytes, 0, bytes.length).filter(u -> read).ifPresent(trace::reported);
            return event;
        }
        if (read) trace.reported(usage.get());
        if (!strip) return event;
        JsonNode choices = obj.get("choices");
        if (choices == null || choices.isNull() || (choices.isArray() && choices.isEmpty())) return ByteString.emptyByteString();
        obj.remove("usage");
        return ByteString.fromString("data: " + Json.write(obj) + "\n\n", StandardCharsets.UTF_8);
    }

    /** The end of the last complete event in bytes (0: none), found as {@code split} finds them. */
    static int lastBoundaryEnd(ByteString bytes) {
        ByteBuffer b = bytes.asByteBuffer();
        int base = b.position();
        int n = b.remaining();
        int last = 0;
        int i = 0;
        while (i < n) {
            int end = boundaryEnd(b, base, i, n);
            if (end < 0) {
                i++;
                continue;
            }
            last = end;
            i = end;
        }
        return last;
    }

    /** The offset just past a blank line ("\n\n" or "\n\r\n") whose first '\n' is at i, or -1. */
    private static int boundaryEnd(ByteBuffer b, int base, int i, int n) {
        if (b.get(base + i) != '\n') return -1;
        if (i + 1 < n && b.get(base + i + 1) == '\n') return i + 2;
        if (i + 2 < n && b.get(base + i + 1) == '\r' && b.get(base + i + 2) == '\n') return i + 3;
        return -1;
    }

    static boolean endsOnBoundary(ByteString chunk) {
        int n = chunk.size();
        return n >= 2 && chunk.apply(n - 1) == '\n' && (chunk.apply(n - 2) == '\n'
                || (n >= 3 && chunk.apply(n - 2) == '\r' && chunk.apply(n - 3) == '\n'));
    }

    private static final byte[] KEY = {'"', 'u', 's', 'a', 'g', 'e', '"'};

    /** A "usage" key (not inside a string) whose value is an object. */
    static boolean hasUsageObject(ByteString bytes) {
        ByteBuffer b = bytes.asByteBuffer();
        int base = b.position();
        int n = b.remaining();
        for (int i = 0; i + KEY.length <= n; i++) {
            if (b.get(base + i) != '"' || b.get(base + i + 1) != 'u') continue;
            boolean key = true;
            for (int k = 2; k < KEY.length && key; k++) key = b.get(base + i + k) == KEY[k];
            if (!key || (i > 0 && b.get(base + i - 1) == '\\')) continue;
            int j = i + KEY.length;
            while (j < n && isSpace(b.get(base + j))) j++;
            if (j >= n || b.get(base + j) != ':') continue;
            j++;
            while (j < n && isSpace(b.get(base + j))) j++;
            if (j < n && b.get(base + j) == '{') return true;
        }
        return false;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
