package modrelay.moderation.stage;

import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.Verdict;

/** The cut-off policy: what one verdict means for the frame it judged. */
final class FrameDecision {

    private FrameDecision() {}

    static FrameOutcome outcome(Verdict verdict, ModerationOptions options) {
        // Java 17 has no pattern switch; Verdict has exactly these two cases.
        if (verdict instanceof Verdict.Judged judged) {
            return options.level().cuts(judged.suggestion()) ? FrameOutcome.CUT_BLOCKED : FrameOutcome.RELEASED;
        }
        return options.failMode() == FailMode.OPEN ? FrameOutcome.RELEASED_UNMODERATED : FrameOutcome.CUT_UNAVAILABLE;
    }

    static boolean released(FrameOutcome outcome) {
        return outcome == FrameOutcome.RELEASED || outcome == FrameOutcome.RELEASED_UNMODERATED;
    }
}
