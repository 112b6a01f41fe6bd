package modrelay.relay.observability;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The latest moderation events of the relay (cuts, failures, unmoderated releases), newest last, at
 * most {@code capacity} of them: what the admin console's audit view lists. Fed by {@link AuditListener}
 * next to its log line. It holds no text of the exchange: only ids, labels and scores.
 *
 * <p>A stream released unmoderated frame after frame (fail mode open) is one event with a frame count,
 * not a page of identical rows.
 */
public final class ModerationEvents {
    /** How many events the relay keeps in memory. */
    public static final int DEFAULT_CAPACITY = 500;

    /**
     * @param outcome   cut_blocked, cut_unavailable or released_unmoderated
     * @param source    the moderator ("tms", "keywords", "relay" for an unreadable answer)
     * @param suggestion pass, review, block, or "unavailable" when the moderator gave no answer
     * @param subLabel  TMS's sub-label, or the keyword list entry that matched (the operator's own list)
     * @param reason    why the moderator gave no answer; "" for a verdict
     * @param chatLogged whether this exchange gets a chat log entry (LOG_CHAT on and a chat endpoint)
     * @param frames    frames of this exchange with this outcome, one after the other
     */
    public record Event(Instant time, String requestId, String client, String model, String outcome, String source,
            String suggestion, String label, String subLabel, int score, String reason, String tmsRequestId,
            boolean chatLogged, int frames) {
        Event oneMore(Instant at) {
            return new Event(at, requestId, client, model, outcome, source, suggestion, label, subLabel, score, reason,
                    tmsRequestId, chatLogged, frames + 1);
        }
    }

    private final int capacity;
    private final ArrayDeque<Event> events;

    public ModerationEvents(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
        this.capacity = capacity;
        this.events = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public synchronized void add(Event e) {
        Event last = events.peekLast();
        if (last != null && last.requestId().equals(e.requestId()) && last.outcome().equals(e.outcome())
                && last.source().equals(e.source()) && last.label().equals(e.label())) {
            events.pollLast();
            events.addLast(last.oneMore(e.time()));
            return;
        }
        if (events.size() == capacity) events.pollFirst();
        events.addLast(e);
    }

    /** The newest {@code limit} events, newest first. */
    public synchronized List<Event> latest(int limit) {
        List<Event> out = new ArrayList<>(Math.min(limit, events.size()));
        Iterator<Event> it = events.descendingIterator();
        while (it.hasNext() && out.size() < limit) out.add(it.next());
        return out;
    }

    public int capacity() {
        return capacity;
    }
}
