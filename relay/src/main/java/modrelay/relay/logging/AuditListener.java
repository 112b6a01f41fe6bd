package modrelay.relay.logging;

import modrelay.moderation.ModerationListener;
import modrelay.moderation.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of moderation: every verdict that cut a stream, failed, or let text through
 * unmoderated, with the request id, suggestion, label and score. The text itself is not logged
 * here (that is the chat log's job, and only when the operator turned it on).
 */
public final class AuditListener implements ModerationListener {
    private static final Logger AUDIT = LoggerFactory.getLogger("modrelay.audit");

    private final String requestId;
    private final String client;

    public AuditListener(String requestId, String client) {
        this.requestId = requestId;
        this.client = client;
    }

    @Override
    public void onFrame(String text, Verdict verdict, FrameOutcome outcome) {
        if (outcome == FrameOutcome.RELEASED) return;
        if (verdict instanceof Verdict.Judged j) {
            AUDIT.warn("moderation {} request_id={} client={} source={} suggestion={} label={} sub_label={} score={} tms_request_id={}",
                    outcome, requestId, client, j.source(), j.suggestion(), j.label(), j.subLabel(), j.score(), j.requestId());
        } else if (verdict instanceof Verdict.Unavailable u) {
            AUDIT.warn("moderation {} request_id={} client={} source={} reason={}",
                    outcome, requestId, client, u.source(), u.reason());
        }
    }
}
