package modrelay.moderation.stage;

import modrelay.moderation.text.DialectEvent;
import modrelay.moderation.text.SentenceFramer.FrameText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the framing stage hands on: events released together, after moderation or at once. */
sealed interface ReleaseUnit {

    List<DialectEvent> events();

    /** Events without text while no text was pending: released as soon as everything before them is. */
    record Passthrough(List<DialectEvent> events) implements ReleaseUnit {}

    /**
     * Events released together once their text passed moderation.
     *
     * @param texts per channel, in order of appearance: the head carried over plus this frame's new text
     */
    record Frame(List<DialectEvent> events, Map<String, FrameText> texts) implements ReleaseUnit {

        /** What the moderator judges: each channel's unfinished-sentence head plus its new text. */
        String moderatedText() {
            if (texts.size() == 1) return texts.values().iterator().next().moderated();
            StringBuilder sb = new StringBuilder();
            for (FrameText t : texts.values()) {
                if (sb.length() > 0) sb.append('\n');
                sb.append(t.moderated());
            }
            return sb.toString();
        }

        /** What the client gets to see when the frame passes. */
        String releasedText() {
            if (texts.size() == 1) return texts.values().iterator().next().fresh();
            StringBuilder sb = new StringBuilder();
            for (FrameText t : texts.values()) sb.append(t.fresh());
            return sb.toString();
        }

        int freshChars() {
            int n = 0;
            for (FrameText t : texts.values()) n += t.fresh().length();
            return n;
        }

        /** One frame moderating both; each channel keeps the earlier head, new texts are concatenated. */
        Frame mergedWith(Frame next) {
            List<DialectEvent> events = new ArrayList<>(this.events);
            events.addAll(next.events);
            Map<String, FrameText> merged = new LinkedHashMap<>(texts);
            next.texts.forEach((channel, t) -> merged.merge(channel, t,
                    (a, b) -> new FrameText(a.head(), a.fresh() + b.fresh())));
            return new Frame(events, merged);
        }
    }
}
