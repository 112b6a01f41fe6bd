package modrelay.moderation;

import java.util.concurrent.CompletionStage;

/**
 * The port every moderator implements. Implementations never throw and never fail the stage:
 * any trouble comes back as {@link Verdict.Unavailable}.
 */
public interface Moderator {

    CompletionStage<Verdict> moderate(String text, ModerationContext context);

    /** A short name for logs and metrics. */
    String name();

    /** Releases threads and connections. */
    default void close() {}
}
