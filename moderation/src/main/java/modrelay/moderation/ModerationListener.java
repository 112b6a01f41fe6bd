package modrelay.moderation;

/**
 * Hears what moderation decided, for audit logs, chat logs and metrics. Called on the stream's own
 * thread: implementations must be quick and must not block (hand off to a queue).
 */
public interface ModerationListener {

    /** Once per moderated frame, in release order. {@code text} is the frame's text. */
    default void onFrame(String text, Verdict verdict, FrameOutcome outcome) {}

    /** Once, when the moderated response ends (completed, cut or failed). */
    default void onEnd(Summary summary) {}

    ModerationListener NONE = new ModerationListener() {};

    enum FrameOutcome {
        /** Passed and released to the client. */
        RELEASED,
        /** The moderator could not answer, fail mode is open: released unmoderated. */
        RELEASED_UNMODERATED,
        /** Judged and cut (nothing from this frame reached the client). */
        CUT_BLOCKED,
        /** The moderator could not answer, fail mode is closed: cut. */
        CUT_UNAVAILABLE
    }

    /**
     * @param releasedText the text that actually reached the client (the notice not included)
     * @param cut          whether the response was cut by moderation
     * @param finishReason the last finish reason the client saw ("stop", "content_filter", …), or "" if none
     * @param usageJson    the upstream's usage object as JSON when it sent one, else ""
     */
    record Summary(String releasedText, boolean cut, String finishReason, String usageJson) {}
}
