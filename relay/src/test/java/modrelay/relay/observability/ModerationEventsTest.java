package modrelay.relay.observability;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.List;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import org.junit.jupiter.api.Test;

/** The audit ring: newest first, bounded, one row for a run of identical frames, and never the text. */
class ModerationEventsTest {
    static ModerationEvents.Event event(String id, String outcome) {
        return new ModerationEvents.Event(Instant.EPOCH, id, "key-1", "gpt-4o", outcome, "tms", "block", "Porn", "", 99, "", "",
                false, 1);
    }

    @Test
    void boundedNewestFirst() {
        ModerationEvents ring = new ModerationEvents(3);
        for (int i = 1; i <= 5; i++) ring.add(event("r" + i, "cut_blocked"));
        assertEquals(List.of("r5", "r4", "r3"), ring.latest(10).stream().map(ModerationEvents.Event::requestId).toList());
        assertEquals(List.of("r5"), ring.latest(1).stream().map(ModerationEvents.Event::requestId).toList());
    }

    @Test
    void aRunOfUnmoderatedFramesOfOneStreamIsOneRow() {
        ModerationEvents ring = new ModerationEvents(10);
        for (int i = 0; i < 4; i++) ring.add(event("open", "released_unmoderated"));
        ring.add(event("other", "released_unmoderated"));
        List<ModerationEvents.Event> latest = ring.latest(10);
        assertEquals(2, latest.size());
        assertEquals(4, latest.get(1).frames());
    }

    @Test
    void theAuditListenerFeedsTheRingWithoutTheText() {
        ModerationEvents ring = new ModerationEvents(10);
        AuditListener audit = new AuditListener("req-7", "key-2", "gpt-4o-mini", ring, true);
        audit.onFrame("this text must not be kept", Verdict.Judged.pass("tms"), FrameOutcome.RELEASED);
        audit.onFrame("this text must not be kept", new Verdict.Judged(Suggestion.BLOCK, "Abuse", "Insult", 97, "tms", "tms-1"),
                FrameOutcome.CUT_BLOCKED);
        audit.onFrame("nor this", new Verdict.Unavailable("timeout", "tms"), FrameOutcome.RELEASED_UNMODERATED);
        List<ModerationEvents.Event> latest = ring.latest(10);
        assertEquals(2, latest.size(), "a plain pass is not an event");
        ModerationEvents.Event cut = latest.get(1);
        assertEquals("req-7", cut.requestId());
        assertEquals("key-2", cut.client());
        assertEquals("gpt-4o-mini", cut.model());
        assertEquals("cut_blocked", cut.outcome());
        assertEquals("Abuse", cut.label());
        assertEquals("Insult", cut.subLabel());
        assertEquals(97, cut.score());
        assertEquals("tms-1", cut.tmsRequestId());
        assertTrue(cut.chatLogged());
        assertEquals("unavailable", latest.get(0).suggestion());
        assertEquals("timeout", latest.get(0).reason());
        assertFalse(latest.toString().contains("must not be kept") || latest.toString().contains("nor this"));
    }
}
