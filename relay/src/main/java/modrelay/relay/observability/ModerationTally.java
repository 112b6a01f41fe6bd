package modrelay.relay.observability;

import java.util.ArrayList;
import java.util.List;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;

/**
 * What moderation decided for one exchange: counts of every frame, and the verdicts that were not a
 * plain pass (at most {@link #MAX_NOTES} of them). Frames arrive one at a time from the stream; reads
 * happen after the stream ended.
 */
final class ModerationTally {
    static final int MAX_NOTES = 100;

    /** One verdict worth recording. {@code suggestion} is "unavailable" when the moderator gave no answer. */
    record Note(String suggestion, String label, String subLabel, int score, String source, String reason, String outcome) {}

    private int frames;
    private int passed;
    private int review;
    private int block;
    private int unavailable;
    private boolean cutBlocked;
    private boolean cutUnavailable;
    private boolean releasedUnmoderated;
    private final List<Note> notes = new ArrayList<>();

    synchronized void add(Verdict verdict, FrameOutcome outcome) {
        frames++;
        if (verdict instanceof Verdict.Judged j) {
            if (j.suggestion() == Suggestion.PASS) passed++;
            else if (j.suggestion() == Suggestion.REVIEW) review++;
            else block++;
        } else {
            unavailable++;
        }
        switch (outcome) {
            case CUT_BLOCKED -> cutBlocked = true;
            case CUT_UNAVAILABLE -> cutUnavailable = true;
            case RELEASED_UNMODERATED -> releasedUnmoderated = true;
            default -> { }
        }
        boolean plainPass = verdict.isPass() && outcome == FrameOutcome.RELEASED;
        if (plainPass || notes.size() >= MAX_NOTES) return;
        if (verdict instanceof Verdict.Judged j) {
            notes.add(new Note(j.suggestion().name().toLowerCase(java.util.Locale.ROOT), j.label(), j.subLabel(), j.score(),
                    j.source(), "", outcome.name().toLowerCase(java.util.Locale.ROOT)));
        } else if (verdict instanceof Verdict.Unavailable u) {
            notes.add(new Note("unavailable", "", "", 0, u.source(), u.reason(), outcome.name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    /** passed, cut or unavailable (the moderator failed, whether the text was then cut or let through). */
    /** Whether the cut (if any) was for moderation being unavailable rather than a verdict. */
    synchronized boolean cutForUnavailable() {
        return cutUnavailable;
    }

    synchronized String outcome() {
        if (cutUnavailable || releasedUnmoderated) return "unavailable";
        if (cutBlocked) return "cut";
        return "passed";
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(frames, passed, review, block, unavailable, List.copyOf(notes));
    }

    record Snapshot(int frames, int passed, int review, int block, int unavailable, List<Note> notes) {}
}
