package modrelay.relay.observability;

import java.time.Instant;
import java.util.Locale;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of moderation: every verdict that cut a stream, failed, or let text through
 * unmoderated, with the request id, suggestion, label and score (in the message and as key-value
 * pairs for JSON logs). The text itself is not logged here (that is the chat log's job, and only
 * when the operator turned it on).
 */
public final class AuditListener implements ModerationListener {
    private static final Logger AUDIT = LoggerFactory.getLogger("modrelay.audit");

    private final String requestId;
    private final String client;
    private final String model;
    private final ModerationEvents events;
    private final boolean chatLogged;

    public AuditListener(String requestId, String client) {
        this(requestId, client, "", new ModerationEvents(1), false);
    }

    /**
     * @param events     the relay's ring of recent events (the admin console's audit view); gets each line logged here
     * @param chatLogged whether this exchange gets a chat log entry the console may link to
     */
    public AuditListener(String requestId, String client, String model, ModerationEvents events, boolean chatLogged) {
        this.requestId = requestId;
        this.client = client;
        this.model = model;
        this.events = events;
        this.chatLogged = chatLogged;
    }

    @Override
    public void onFrame(String text, Verdict verdict, FrameOutcome outcome) {
        if (outcome == FrameOutcome.RELEASED) return;
        String what = outcome.name().toLowerCase(Locale.ROOT);
        if (verdict instanceof Verdict.Judged j) {
            AUDIT.atWarn()
                    .addKeyValue("moderation", what).addKeyValue("request_id", requestId).addKeyValue("client", client)
                    .addKeyValue("source", j.source()).addKeyValue("suggestion", j.suggestion())
                    .addKeyValue("label", j.label()).addKeyValue("sub_label", j.subLabel()).addKeyValue("score", j.score())
                    .addKeyValue("tms_request_id", j.requestId())
                    .log("moderation {} request_id={} client={} source={} suggestion={} label={} sub_label={} score={} tms_request_id={}",
                            outcome, requestId, client, j.source(), j.suggestion(), j.label(), j.subLabel(), j.score(), j.requestId());
            events.add(new ModerationEvents.Event(Instant.now(), requestId, client, model, what, nz(j.source()),
                    j.suggestion().name().toLowerCase(Locale.ROOT), nz(j.label()), nz(j.subLabel()), j.score(), "", nz(j.requestId()),
                    chatLogged, 1));
        } else if (verdict instanceof Verdict.Unavailable u) {
            AUDIT.atWarn()
                    .addKeyValue("moderation", what).addKeyValue("request_id", requestId).addKeyValue("client", client)
                    .addKeyValue("source", u.source()).addKeyValue("reason", u.reason())
                    .log("moderation {} request_id={} client={} source={} reason={}", outcome, requestId, client, u.source(),
                            u.reason());
            events.add(new ModerationEvents.Event(Instant.now(), requestId, client, model, what, nz(u.source()), "unavailable",
                    "", "", 0, nz(u.reason()), "", chatLogged, 1));
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
