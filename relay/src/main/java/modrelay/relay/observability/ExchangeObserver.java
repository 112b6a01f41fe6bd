package modrelay.relay.observability;

import modrelay.relay.exchange.BodyListener;
import akka.NotUsed;
import akka.http.javadsl.model.HttpEntity;
import akka.stream.FlowShape;
import akka.stream.UniformFanOutShape;
import akka.stream.javadsl.Broadcast;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.GraphDSL;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.Verdict;
import modrelay.moderation.sse.SseParser;
import modrelay.relay.metrics.RelayMetrics;
import modrelay.relay.metrics.RouteClass;
import modrelay.relay.response.ClientBody;
import modrelay.relay.exchange.Exchange;

/**
 * Watches one exchange from the upstream's response headers to the end of the client's body: hears
 * moderation (audit lines, cut metrics, verdicts for the chat log), counts bytes and active streams,
 * and when the body has ended writes the access line and, once the reply is known too, the chat log
 * entry. Nothing here blocks: the entry is handed to the chat log's queue.
 */
public final class ExchangeObserver implements ModerationListener {
    /** Most reply bytes kept for the chat log per exchange; the rest of the text is left out and marked. */
    static final int MAX_REPLY_BYTES = 8 * 1024 * 1024;

    private final Exchange ex;
    private final int status;
    private final String keyAlias;
    private final long ttfbNanos;
    private final boolean moderated;
    private final RelayMetrics metrics;
    private final ChatLog chatLog;
    private final Notices notices;
    private final java.util.function.IntConsumer pendingEntries;
    private final AuditListener audit;
    private final String route;
    private final boolean chat;
    private final boolean success;
    private final Instant started;
    private final ModerationTally tally = new ModerationTally();
    /** The body's end, plus one for each reply source still to report. */
    private final AtomicInteger pending = new AtomicInteger(1);
    private volatile ReplyText.Reply reply = ReplyText.Reply.EMPTY;
    private volatile boolean cut;
    private volatile boolean stream;
    private volatile long bytes;
    private volatile String outcome = "ok";
    private volatile long endNanos;
    private final modrelay.relay.usage.UsageAccounting usage;
    private volatile modrelay.relay.tokens.UsageRecord usageRecord;

    /** The notices a client gets on a cut (MODERATION_BLOCK_MESSAGE, MODERATION_UNAVAILABLE_MESSAGE). */
    public record Notices(String blocked, String unavailable) {
        static final Notices NONE = new Notices("", "");
    }

    /** @param pendingEntries told +1 for each chat log entry to come, -1 once it is recorded */
    ExchangeObserver(Exchange ex, int status, String keyAlias, long ttfbNanos, boolean moderated, RelayMetrics metrics,
            ChatLog chatLog, Notices notices, java.util.function.IntConsumer pendingEntries, ModerationEvents events,
            modrelay.relay.usage.UsageAccounting usage) {
        this.usage = usage;
        this.notices = notices;
        this.pendingEntries = pendingEntries;
        this.ex = ex;
        this.status = status;
        this.keyAlias = keyAlias;
        this.ttfbNanos = ttfbNanos;
        this.moderated = moderated;
        this.metrics = metrics;
        this.chatLog = chatLog;
        this.route = RouteClass.of(ex.path());
        // Only chat/completions/responses bodies the relay read have a dialect; only answers have a reply to read.
        this.chat = chatLog.enabled() && ex.dialect().isPresent();
        this.audit = new AuditListener(ex.requestId(), ex.client(), ex.model().orElse(""), events, chat);
        this.success = status >= 200 && status < 300;
        if (chat) pendingEntries.accept(1);
        this.started = Instant.now().minusNanos(System.nanoTime() - ex.startNanos());
        metrics.upstreamFirstByte(route, ttfbNanos);
    }

    /** The listener for the moderation flow or whole-response moderation of this exchange; its onEnd gives the reply. */
    public ModerationListener moderationListener() {
        expectReply();
        return this;
    }

    @Override
    public void onFrame(String text, Verdict verdict, FrameOutcome frameOutcome) {
        audit.onFrame(text, verdict, frameOutcome);
        tally.add(verdict, frameOutcome);
        if (frameOutcome == FrameOutcome.CUT_BLOCKED) metrics.moderationCut("blocked");
        else if (frameOutcome == FrameOutcome.CUT_UNAVAILABLE) metrics.moderationCut("unavailable");
    }

    @Override
    public void onEnd(Summary summary) {
        cut = summary.cut();
        modrelay.relay.tokens.UsageJson.read(summary.usageJson()).ifPresent(ex.usage()::reported);
        // The client read the released text and then, on a cut, the notice (a whole blocked answer: the notice alone).
        String text = summary.releasedText();
        if (summary.cut()) text += tally.cutForUnavailable() ? notices.unavailable() : notices.blocked();
        replyReady(new ReplyText.Reply(text, false, summary.finishReason(), summary.usageJson()));
    }

    /** An unmoderated SSE body: the chat log gets the text the client received, read by the moderation module's parser. */
    public Source<HttpEntity.ChunkStreamPart, NotUsed> tapStream(Source<HttpEntity.ChunkStreamPart, NotUsed> body) {
        if (!chat || !success) return body;
        expectReply();
        ReplyText.Streamed collected = new ReplyText.Streamed(ex.dialect().get());
        AtomicLong budget = new AtomicLong(MAX_REPLY_BYTES);
        // Never fails and never cancels early (a failing side would cancel the client's stream): it reads
        // at most MAX_REPLY_BYTES, so the parser's event limit cannot be reached, and skips what it cannot read.
        Sink<HttpEntity.ChunkStreamPart, NotUsed> side = Flow.of(HttpEntity.ChunkStreamPart.class)
                .map(chunk -> within(budget, chunk.data()))
                .via(SseParser.flow(MAX_REPLY_BYTES + 1))
                .toMat(Sink.foreach(event -> {
                    try {
                        collected.accept(event);
                    } catch (RuntimeException ignored) {
                        // an event the dialect cannot read carries no text we could log
                    }
                }), Keep.right())
                .mapMaterializedValue(done -> {
                    done.whenComplete((ok, error) -> replyReady(collected.result(budget.get() <= 0)));
                    return NotUsed.getInstance();
                });
        return body.via(alsoTo(side));
    }

    /** Like alsoTo, but with eager cancel spelled out: a client that goes away cancels the upstream at once. */
    private static <T> Flow<T, T, NotUsed> alsoTo(Sink<T, NotUsed> side) {
        return Flow.fromGraph(GraphDSL.create(b -> {
            UniformFanOutShape<T, T> fan = b.add(Broadcast.<T>create(2, true));
            b.from(fan.out(1)).to(b.add(side));
            return FlowShape.of(fan.in(), fan.out(0));
        }));
    }

    private static ByteString within(AtomicLong budget, ByteString chunk) {
        long left = budget.get();
        if (left <= 0) return ByteString.emptyByteString();
        budget.addAndGet(-chunk.size());
        return chunk.size() <= left ? chunk : chunk.take((int) left);
    }

    /** An unmoderated JSON body that arrives streamed: kept (up to a limit) and read whole when it ends. */
    public Source<ByteString, NotUsed> tapJson(Source<ByteString, NotUsed> body) {
        if (!chat || !success) return body;
        expectReply();
        ByteStringBuilder kept = ByteString.createBuilder();
        AtomicLong budget = new AtomicLong(MAX_REPLY_BYTES);
        return body.map(chunk -> {
            ByteString part = within(budget, chunk);
            if (!part.isEmpty()) kept.append(part);
            return chunk;
        }).watchTermination((mat, done) -> {
            done.whenComplete((ok, error) -> replyReady(ReplyText.whole(ex.dialect().get(), kept.result(), budget.get() < 0)));
            return mat;
        });
    }

    /** An unmoderated JSON body the relay already holds whole. */
    public void strictJson(ByteString body) {
        if (chat && success) reply = ReplyText.whole(ex.dialect().get(), body, false);
    }

    /** Hears the body's bytes (and counts the stream while it runs) and its end, however it ended. */
    public BodyListener bodyListener(boolean sse) {
        return new BodyListener() {
            @Override
            public void started() {
                if (!sse) return;
                stream = true;
                metrics.streamStarted();
            }

            @Override
            public void ended(long bodyBytes, String bodyOutcome) {
                if (sse) metrics.streamEnded();
                ExchangeObserver.this.ended(bodyBytes, bodyOutcome);
            }
        };
    }

    /** The response body has ended (or was whole): the access line now, the chat entry once the reply is in too. */
    public void ended(long bodyBytes, String bodyOutcome) {
        endNanos = System.nanoTime();
        bytes = bodyBytes;
        outcome = bodyOutcome;
        String moderationOutcome = moderated ? tally.outcome() : "off";
        modrelay.relay.tokens.UsageRecord used = usage.close(ex, status, moderationOutcome).orElse(null);
        usageRecord = used;
        AccessLog.log(ex, status, bodyBytes, bodyOutcome, keyAlias, ttfbNanos, moderationOutcome, used);
        metrics.upstreamDuration(route, endNanos - ex.startNanos());
        metrics.bytesRelayed(route, bodyBytes);
        countDown();
    }

    private void expectReply() {
        if (chat) pending.incrementAndGet();
    }

    private void replyReady(ReplyText.Reply r) {
        if (!chat) return;
        reply = r;
        countDown();
    }

    private void countDown() {
        if (pending.decrementAndGet() == 0 && chat) write();
    }

    private void write() {
        try {
            record();
        } finally {
            pendingEntries.accept(-1);
        }
    }

    private void record() {
        ReplyText.Reply r = reply;
        chatLog.record(new ChatEntry(started, ex.requestId(), ex.client(), ex.clientIp(), ex.method(), ex.pathOnly(),
                ex.model().orElse(""), status, stream, (endNanos - ex.startNanos()) / 1000, ex.requestJson(), r.text(),
                r.truncated(), r.finishReason(), usageJson(r.usageJson()), cut, ex.level().name().toLowerCase(Locale.ROOT),
                moderated ? tally.outcome() : "off", tally.snapshot(), outcome));
    }

    /** The upstream's usage object as the client saw it; else the relay's record of it (counted, or taken out of the stream). */
    private String usageJson(String seen) {
        modrelay.relay.tokens.UsageRecord u = usageRecord;
        if (!seen.isEmpty() || u == null) return seen;
        com.fasterxml.jackson.databind.node.ObjectNode o = modrelay.moderation.text.Json.MAPPER.createObjectNode();
        o.put("prompt_tokens", u.usage().prompt());
        o.put("completion_tokens", u.usage().completion());
        o.put("total_tokens", u.usage().total());
        o.put("cached_tokens", u.usage().cached());
        o.put("reasoning_tokens", u.usage().reasoning());
        o.put("estimated", u.usage().estimated());
        return modrelay.moderation.text.Json.write(o);
    }
}
