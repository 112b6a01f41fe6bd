package modrelay.relay.admin;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import modrelay.relay.observability.ModerationEvents;

/**
 * {@code GET /admin/moderation/events?limit=N}: the latest cuts, moderator failures and unmoderated
 * releases, newest first, from the relay's in-memory ring (it forgets on restart; the audit log keeps
 * them). Never the text: ids, labels, scores and where the verdict came from. With LOG_CHAT on, an
 * event of a chat exchange names its chat log entry ({@code chat_log_entry}, under /admin/chat/).
 *
 * <pre>
 * {"object":"list","capacity":500,"data":[{"time":"…","request_id":"…","client":"key-1","model":"…",
 *   "outcome":"cut_blocked|cut_unavailable|released_unmoderated","source":"keywords","suggestion":"block",
 *   "label":"…","sub_label":"…","score":100,"reason":"","tms_request_id":"…","frames":1,"chat_log_entry":"chat/<id>"|null}]}
 * </pre>
 */
final class AuditRoutes extends AllDirectives {
    static final int DEFAULT_LIMIT = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModerationEvents events;

    AuditRoutes(AdminSources sources) {
        this.events = sources.observability().moderationEvents();
    }

    Route route() {
        return path(akka.http.javadsl.server.PathMatchers.segment("moderation").slash("events"), () -> get(() ->
                parameterOptional("limit", limit -> {
                    Optional<Integer> n = limit(limit);
                    if (n.isEmpty()) {
                        return complete(Answers.badParameter("limit", "'limit' must be a whole number from 1 to "
                                + events.capacity() + "."));
                    }
                    return complete(Answers.ok(list(events.latest(n.get()))));
                })));
    }

    private Optional<Integer> limit(Optional<String> raw) {
        if (raw.isEmpty()) return Optional.of(Math.min(DEFAULT_LIMIT, events.capacity()));
        try {
            int n = Integer.parseInt(raw.get().trim());
            return n >= 1 && n <= events.capacity() ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String list(List<ModerationEvents.Event> latest) {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "list");
        o.put("capacity", events.capacity());
        ArrayNode data = o.putArray("data");
        for (ModerationEvents.Event e : latest) {
            ObjectNode v = data.addObject();
            v.put("time", e.time().toString());
            v.put("request_id", e.requestId());
            v.put("client", e.client());
            v.put("model", e.model());
            v.put("outcome", e.outcome());
            v.put("source", e.source());
            v.put("suggestion", e.suggestion());
            v.put("label", e.label());
            v.put("sub_label", e.subLabel());
            v.put("score", e.score());
            v.put("reason", e.reason());
            v.put("tms_request_id", e.tmsRequestId());
            v.put("frames", e.frames());
            if (e.chatLogged()) v.put("chat_log_entry", "chat/" + e.requestId());
            else v.putNull("chat_log_entry");
        }
        return o.toString();
    }
}
