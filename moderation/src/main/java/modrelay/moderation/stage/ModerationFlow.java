package modrelay.moderation.stage;

import akka.NotUsed;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.sse.SseEvent;
import modrelay.moderation.capacity.CallPermit;
import modrelay.moderation.capacity.CallScheduler;
import modrelay.moderation.sse.SseParser;
import modrelay.moderation.text.DialectEvent;
import modrelay.moderation.text.Dialect;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The streaming moderation graph:
 * <pre>
 * SSE bytes ─▶ SseParser ─▶ dialect.read (one JSON parse) ─▶ FramingStage (sentences, max length, max hold)
 *           ─▶ CallGate (the moderator's turn; waiting frames merge) ─▶ mapAsync(parallelism) moderator, ordered
 *           ─▶ ReleaseStage (original bytes, or cut + cancel) ─▶ client
 * </pre>
 * No text reaches the client before the moderator passed it; frames are moderated concurrently and
 * released in order. On a cut the flow completes downstream and cancels upstream. An upstream failure
 * propagates downstream and releases nothing that was still pending.
 */
public final class ModerationFlow {

    /** Largest single upstream SSE event accepted (a whole non-streamed answer sent as one event fits). */
    public static final int DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private static final Verdict NOT_MODERATED = Verdict.Judged.pass("off");

    private ModerationFlow() {}

    /** Upstream SSE bytes in, bytes for the client out. Each emitted ByteString is one release (flush-worthy). */
    public static Flow<ByteString, ByteString, NotUsed> create(Dialect dialect, Moderator moderator,
                                                               ModerationOptions options, ModerationListener listener) {
        return create(dialect, moderator, options, listener, DEFAULT_MAX_EVENT_BYTES);
    }

    public static Flow<ByteString, ByteString, NotUsed> create(Dialect dialect, Moderator moderator,
                                                               ModerationOptions options, ModerationListener listener,
                                                               int maxEventBytes) {
        return create(dialect, moderator, options, listener, maxEventBytes,
                FramingStage.DEFAULT_MAX_EVENTS, FramingStage.DEFAULT_MAX_BYTES, new BufferGauge());
    }

    /** With the framing stage's bounds and a gauge of what it holds (for tests). */
    static Flow<ByteString, ByteString, NotUsed> create(Dialect dialect, Moderator moderator, ModerationOptions options,
                                                        ModerationListener listener, int maxEventBytes,
                                                        int maxBufferedEvents, long maxBufferedBytes, BufferGauge gauge) {
        ModerationListener safeListener = listener == null ? ModerationListener.NONE : listener;
        // each step named on its own (a Flow's .named covers everything before it)
        Flow<SseEvent, DialectEvent, NotUsed> read = Flow.of(SseEvent.class)
                // a line that is no SSE field is text some client may show: not judged, so not released
                .map(e -> e.foreign() ? DialectEvent.unreadable(e) : dialect.read(e.withoutComments())).named("moderationRead");
        // The gate pulls the next frame only once the shared scheduler grants a call: meanwhile the framer merges.
        Flow<ReleaseUnit, Moderated, NotUsed> judge = Flow.of(ReleaseUnit.class)
                .via(new CallGate(options.level() == ModerationLevel.OFF ? CallScheduler.unlimited() : moderator.scheduler(),
                        moderator.name()))
                .mapAsync(options.parallelism(), ready -> moderate(ready, moderator, options)).named("moderationCalls");
        return Flow.of(ByteString.class)
                .via(SseParser.flow(maxEventBytes))
                .via(read)
                .via(new FramingStage(options.maxFrameChars(), options.maxHold(), options.level() != ModerationLevel.OFF,
                        options.contextChars(), maxBufferedEvents, maxBufferedBytes, gauge))
                .via(judge)
                .via(new ReleaseStage(dialect, options, safeListener))
                .named("moderation");
    }

    private static CompletionStage<Moderated> moderate(CallGate.Ready ready, Moderator moderator, ModerationOptions options) {
        ReleaseUnit unit = ready.unit();
        CallPermit permit = ready.permit();
        if (!(unit instanceof ReleaseUnit.Frame frame)) {
            if (permit != null) permit.release();
            if (unit instanceof ReleaseUnit.Passthrough p) return CompletableFuture.completedFuture(new Moderated.Unjudged(p));
            return CompletableFuture.completedFuture(new Moderated.Unreadable((ReleaseUnit.Unreadable) unit));
        }
        // A frame that waited for a call past MODERATION_TIMEOUT: unavailable, and the fail mode decides.
        if (ready.unavailable() != null || options.level() == ModerationLevel.OFF) {
            if (permit != null) permit.release();
            // Level OFF asks nobody, so an unavailable moderator cannot cut an unmoderated request.
            Verdict verdict = ready.unavailable() != null ? ready.unavailable() : NOT_MODERATED;
            return CompletableFuture.completedFuture(new Moderated.Judged(frame, verdict));
        }
        ModerationContext context = permit == null ? options.context() : options.context().withPermit(permit);
        return SafeModeration.call(moderator, frame.moderatedText(), context)
                .whenComplete((verdict, error) -> {
                    if (permit != null) permit.release();
                })
                .thenApply(verdict -> new Moderated.Judged(frame, verdict));
    }
}
