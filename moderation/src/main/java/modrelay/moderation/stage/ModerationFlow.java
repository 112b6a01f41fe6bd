package modrelay.moderation.stage;

import akka.NotUsed;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.sse.SseEvent;
import modrelay.moderation.sse.SseParser;
import modrelay.moderation.text.DialectEvent;
import modrelay.moderation.text.Dialect;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The streaming moderation graph:
 * <pre>
 * SSE bytes ─▶ SseParser ─▶ dialect.read (one JSON parse) ─▶ FramingStage (sentences, max length, max hold)
 *           ─▶ mapAsync(parallelism) moderator, ordered ─▶ ReleaseStage (original bytes, or cut + cancel) ─▶ client
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
        Flow<SseEvent, DialectEvent, NotUsed> read = Flow.of(SseEvent.class).map(dialect::read).named("moderationRead");
        Flow<ReleaseUnit, Moderated, NotUsed> judge = Flow.of(ReleaseUnit.class)
                .mapAsync(options.parallelism(), unit -> moderate(unit, moderator, options)).named("moderationCalls");
        return Flow.of(ByteString.class)
                .via(SseParser.flow(maxEventBytes))
                .via(read)
                .via(new FramingStage(options.maxFrameChars(), options.maxHold(), options.level() != ModerationLevel.OFF,
                        options.contextChars(), maxBufferedEvents, maxBufferedBytes, gauge))
                .via(judge)
                .via(new ReleaseStage(dialect, options, safeListener))
                .named("moderation");
    }

    private static CompletionStage<Moderated> moderate(ReleaseUnit unit, Moderator moderator, ModerationOptions options) {
        if (unit instanceof ReleaseUnit.Passthrough p) return CompletableFuture.completedFuture(new Moderated.Unjudged(p));
        if (unit instanceof ReleaseUnit.Unreadable u) return CompletableFuture.completedFuture(new Moderated.Unreadable(u));
        ReleaseUnit.Frame frame = (ReleaseUnit.Frame) unit; // the third and last kind
        // Level OFF asks nobody, so an unavailable moderator cannot cut an unmoderated request.
        if (options.level() == ModerationLevel.OFF) {
            return CompletableFuture.completedFuture(new Moderated.Judged(frame, NOT_MODERATED));
        }
        return SafeModeration.moderate(moderator, frame.moderatedText(), options.context())
                .thenApply(verdict -> new Moderated.Judged(frame, verdict));
    }
}
