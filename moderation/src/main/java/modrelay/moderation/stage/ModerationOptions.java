package modrelay.moderation.stage;

import modrelay.config.ModerationSettings;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;

import java.time.Duration;
import java.util.Objects;

/**
 * How one response is moderated.
 *
 * @param maxFrameChars a frame is moderated once it holds this many characters, sentence end or not
 * @param maxHold       a frame is moderated once its first text has waited this long, so a run-on
 *                      sentence cannot stall the client
 * @param parallelism   frames of one stream moderated at once (they are still released in order)
 * @param contextChars  the rolling window: each frame is judged with this many characters of its text
 *                      stream taken just before it, so a term split across frames is seen whole
 */
public record ModerationOptions(ModerationLevel level, FailMode failMode, String blockMessage, String unavailableMessage,
                                int maxFrameChars, Duration maxHold, int parallelism, ModerationContext context,
                                int contextChars) {

    /** Without the rolling window (the unfinished sentence is still carried as context). */
    public ModerationOptions(ModerationLevel level, FailMode failMode, String blockMessage, String unavailableMessage,
                             int maxFrameChars, Duration maxHold, int parallelism, ModerationContext context) {
        this(level, failMode, blockMessage, unavailableMessage, maxFrameChars, maxHold, parallelism, context, 0);
    }

    public ModerationOptions {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(failMode, "failMode");
        Objects.requireNonNull(blockMessage, "blockMessage");
        Objects.requireNonNull(unavailableMessage, "unavailableMessage");
        Objects.requireNonNull(maxHold, "maxHold");
        if (maxFrameChars < 2) throw new IllegalArgumentException("maxFrameChars must be at least 2");
        if (maxHold.isNegative() || maxHold.isZero()) throw new IllegalArgumentException("maxHold must be positive");
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1");
        if (contextChars < 0) throw new IllegalArgumentException("contextChars must not be negative");
        if (context == null) context = ModerationContext.NONE;
    }

    /** Options from the operator's settings, for a request at the given (already floored) level. */
    public static ModerationOptions of(ModerationSettings settings, ModerationLevel level, ModerationContext context) {
        FailMode failMode = FailMode.of(settings.failMode());
        return new ModerationOptions(level, failMode, settings.blockMessage(), settings.unavailableMessage(),
                settings.maxFrameChars(), settings.maxHold(), settings.parallelism(), context, settings.contextChars());
    }

    /** The notice shown on a cut. */
    String notice(boolean unavailable) {
        return unavailable ? unavailableMessage : blockMessage;
    }
}
