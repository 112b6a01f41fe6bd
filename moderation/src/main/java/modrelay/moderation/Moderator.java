package modrelay.moderation;

import java.util.concurrent.CompletionStage;
import modrelay.moderation.capacity.CallScheduler;

/**
 * The port every moderator implements. Implementations never throw and never fail the stage:
 * any trouble comes back as {@link Verdict.Unavailable}.
 */
public interface Moderator {

    CompletionStage<Verdict> moderate(String text, ModerationContext context);

    /** A short name for logs and metrics. */
    String name();

    /**
     * Where this moderator's calls wait for their turn when its capacity is shared (a rate-limited
     * account): a stream asks it before it hands a frame over, so that sentences that become ready
     * meanwhile merge into that frame. Unlimited unless the moderator says otherwise; a wrapper
     * must pass its delegate's on.
     */
    default CallScheduler scheduler() {
        return CallScheduler.unlimited();
    }

    /** Releases threads and connections. */
    default void close() {}
}
