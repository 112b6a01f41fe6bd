package modrelay.relay.tokens;

import akka.util.ByteString;
import java.util.Optional;
import modrelay.moderation.text.Dialect;

/**
 * What one exchange's usage is made of, gathered as the exchange runs: whether the relay asked the
 * upstream for a stream's usage (and so must take the usage chunk out), which upstream answered, the
 * usage the upstream reported, and a bounded copy of the answer's bytes in case it reported none (a
 * stream cut by moderation or by a dying upstream, a server without usage). Shared by every copy of
 * the exchange; written by the response's stages, read once the body has ended.
 */
public final class UsageTrace {
    /** Most answer bytes kept for counting; past it the count is scaled by the bytes received. */
    static final int MAX_KEPT = 256 * 1024;
    /** The end of a large JSON answer kept to find its usage in (OpenAI puts usage last). */
    static final int MAX_TAIL = 64 * 1024;

    private static final UsageTrace OFF = new UsageTrace(false);

    private final boolean on;
    private volatile String upstream = "";
    private volatile boolean askedUpstream;
    private volatile Usage reported;
    private volatile UsageRecord record;
    /**
     * The answer's first bytes, up to MAX_KEPT: a JSON answer held whole as it is, a streamed one copied into blocks
     * of its own ({@link ByteBlocks}; a rope of the network's slices would hold their whole reads and cost a node per
     * chunk). {@code kept} is null when the copy has grown since it was last read.
     */
    private ByteString kept = ByteString.emptyByteString();
    private ByteBlocks copy;
    private ByteString tail = ByteString.emptyByteString();
    private long received;
    private boolean stream;

    private UsageTrace(boolean on) {
        this.on = on;
    }

    /** Accounting on (USAGE=on): a new trace per exchange. */
    public static UsageTrace on() {
        return new UsageTrace(true);
    }

    /** Accounting off: one shared trace that records nothing. */
    public static UsageTrace off() {
        return OFF;
    }

    public boolean enabled() {
        return on;
    }

    /** The upstream whose answer the client gets; whether the relay added include_usage to what it was sent. */
    public void answeredBy(String upstreamName, boolean asked) {
        if (!on) return;
        this.upstream = upstreamName;
        this.askedUpstream = asked;
    }

    public String upstream() {
        return upstream;
    }

    /** The relay asked for the stream's usage: the client did not, so the usage chunk must not reach it. */
    public boolean askedUpstream() {
        return askedUpstream;
    }

    public void reported(Usage usage) {
        if (on) this.reported = usage;
    }

    public Optional<Usage> reported() {
        return Optional.ofNullable(reported);
    }

    /** A chunk of the answer as received (before moderation): kept while within bounds. */
    public synchronized void received(ByteString chunk, boolean eventStream) {
        if (!on) return;
        stream = eventStream;
        received += chunk.size();
        if (copy == null) {
            copy = new ByteBlocks(MAX_KEPT);
            copy.append(kept); // after a whole answer (not done today): its bytes first
        }
        if (copy.append(chunk) > 0) kept = null; // made from the blocks when read
        if (!eventStream && received > MAX_KEPT) {
            tail = tail.concat(chunk);
            if (tail.size() > MAX_TAIL) tail = tail.drop(tail.size() - MAX_TAIL);
        }
    }

    /** What was kept, as one ByteString. */
    private ByteString kept() {
        if (kept == null) kept = copy.bytes();
        return kept;
    }

    /** A JSON answer has ended: its usage is read from what was kept (its end, when it was large). */
    public synchronized void jsonEnded() {
        if (!on || reported != null) return;
        ByteString from = received > MAX_KEPT ? tail : kept();
        byte[] bytes = from.toArrayUnsafe(); // only read: a whole answer's own array is not copied
        UsageJson.findIn(bytes, 0, bytes.length).ifPresent(u -> reported = u);
    }

    /** A JSON answer the relay holds whole: kept as it is (its first MAX_KEPT bytes), not copied. */
    public synchronized void whole(ByteString body) {
        if (!on) return;
        if (received > 0) { // not the first bytes: as any chunk
            received(body, false);
        } else {
            received = body.size();
            kept = body.size() <= MAX_KEPT ? body : body.take(MAX_KEPT);
            if (body.size() > MAX_KEPT) tail = body.drop(body.size() - MAX_TAIL);
        }
        jsonEnded();
    }

    /**
     * The usage: as reported, else counted (marked estimated) from the request's prompt and the answer's
     * text as received; with no dialect to read the answer (embeddings), the completion is 0.
     */
    public Usage resolve(String model, Optional<Dialect> dialect, byte[] requestJson) {
        return resolve(model, dialect, () -> requestJson);
    }

    /** As above, the request's bytes built only when they are counted (a body with flags is rebuilt for them). */
    public synchronized Usage resolve(String model, Optional<Dialect> dialect, java.util.function.Supplier<byte[]> requestJson) {
        if (reported == null && !stream && received > 0) jsonEnded();
        if (reported != null) return reported;
        long prompt = TokenCounter.count(model, PromptText.of(requestJson.get()));
        long completion = 0;
        ByteString kept = kept();
        if (dialect.isPresent() && !kept.isEmpty()) {
            String text = stream ? AnswerText.ofStream(dialect.get(), kept) : AnswerText.ofJson(dialect.get(), kept);
            completion = TokenCounter.count(model, text);
            // more arrived than was kept: the rest is counted at the rate of what was
            if (received > kept.size()) completion = Math.round(completion * ((double) received / kept.size()));
        }
        return new Usage(prompt, completion, 0, 0, true);
    }

    /** The exchange's record, once its body has ended. */
    public void recorded(UsageRecord r) {
        this.record = r;
    }

    public Optional<UsageRecord> record() {
        return Optional.ofNullable(record);
    }
}
