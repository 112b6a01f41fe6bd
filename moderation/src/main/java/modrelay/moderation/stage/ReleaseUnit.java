package modrelay.moderation.stage;

import modrelay.moderation.text.DialectEvent;
import modrelay.moderation.text.SentenceFramer.FrameText;
import modrelay.moderation.text.TextPiece;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the framing stage hands on: events released together, after moderation or at once. */
sealed interface ReleaseUnit {

    List<DialectEvent> events();

    /** Raw bytes of the unit's events (what it holds in memory, near enough). */
    default long bytes() {
        long n = 0;
        for (DialectEvent e : events()) n += e.sse().raw().length();
        return n;
    }

    /** Events without text while no text was pending: released as soon as everything before them is. */
    record Passthrough(List<DialectEvent> events) implements ReleaseUnit {}

    /** An event the dialect could not read where text was expected: the stream ends here, failed closed. */
    record Unreadable(DialectEvent event) implements ReleaseUnit {
        @Override
        public List<DialectEvent> events() {
            return List.of(event);
        }
    }

    /**
     * Events released together once their text passed moderation.
     *
     * @param texts per text stream, in order of appearance: the context carried over plus this frame's new text
     */
    record Frame(List<DialectEvent> events, Map<String, FrameText> texts) implements ReleaseUnit {

        /** What the moderator judges: each text stream's context plus its new text, one stream per line. */
        String moderatedText() {
            if (texts.size() == 1) return texts.values().iterator().next().moderated();
            StringBuilder sb = new StringBuilder();
            for (FrameText t : texts.values()) {
                if (sb.length() > 0) sb.append('\n');
                sb.append(t.moderated());
            }
            return sb.toString();
        }

        /** The answer's text the client gets to see when the frame passes (logprob tokens not included). */
        String releasedText() {
            StringBuilder sb = new StringBuilder();
            texts.forEach((channel, t) -> {
                if (!channel.startsWith(TextPiece.TOKENS_PREFIX)) sb.append(t.fresh());
            });
            return sb.toString();
        }

        int freshChars() {
            int n = 0;
            for (FrameText t : texts.values()) n += t.fresh().length();
            return n;
        }

        /** One frame moderating both; each text stream keeps the earlier context, new texts are concatenated. */
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
