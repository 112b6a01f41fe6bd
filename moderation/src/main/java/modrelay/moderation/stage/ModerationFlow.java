package modrelay.moderation.stage;

import akka.NotUsed;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.sse.SseParser;
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
        ModerationListener safeListener = listener == null ? ModerationListener.NONE : listener;
        return Flow.of(ByteString.class)
                .via(SseParser.flow(maxEventBytes))
                .map(dialect::read)
                .via(new FramingStage(options.maxFrameChars(), options.maxHold(), options.level() != ModerationLevel.OFF,
                        options.contextChars()))
                .mapAsync(options.parallelism(), unit -> moderate(unit, moderator, options))
                .via(new ReleaseStage(dialect, options, safeListener));
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
