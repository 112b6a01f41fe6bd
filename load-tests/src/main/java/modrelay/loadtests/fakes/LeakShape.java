package modrelay.loadtests.fakes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the blocked phrase is written into the text, so that a moderator judging sentence by sentence does not
 * see it while a reader (who joins lines, ignores a pause) does. Chosen with the {@code x-leak-shape} header.
 */
public enum LeakShape {
    /** in a sentence of its own */
    PLAIN,
    /** one letter (code point) per line */
    LETTERS,
    /** its first half ending one line, its second half starting the next */
    LINES,
    /** at the end of a run-on sentence longer than a frame (200 characters), so the frame limit falls inside it */
    FRAME_EDGE,
    /** streamed with a pause in its middle longer than the relay's hold time (a frame is judged when it waited) */
    PAUSED;

    /** How long {@link #PAUSED} waits in the middle of the phrase. */
    public static final Duration PAUSE = Duration.ofMillis(400);

    /** One piece of streamed text and the pause before it. */
    public record Piece(String text, Duration pauseBefore) {}

    public static LeakShape fromWire(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    /** The whole text with the phrase in it. */
    public String text(String phrase) {
        StringBuilder all = new StringBuilder();
        for (Piece p : pieces(phrase)) all.append(p.text());
        return all.toString();
    }

    /** The text in streamed pieces of about three characters; the phrase itself always spans pieces. */
    public List<Piece> pieces(String phrase) {
        int half = phrase.offsetByCodePoints(0, Math.max(1, phrase.codePointCount(0, phrase.length()) / 2));
        String first = phrase.substring(0, half);
        String second = phrase.substring(half);
        List<Piece> out = new ArrayList<>();
        switch (this) {
            case PLAIN -> chop("Here is what you asked for. The word is " + phrase + ". That is all.", out);
            case LETTERS -> {
                StringBuilder s = new StringBuilder("Read the letters downwards.\n");
                phrase.codePoints().forEach(cp -> s.appendCodePoint(cp).append('\n'));
                chop(s.append("That is all.").toString(), out);
            }
            case LINES -> chop("The word starts here " + first + "\n" + second + " and that is all.", out);
            case FRAME_EDGE -> chop("la ".repeat(66) + phrase + " is the end.", out);
            case PAUSED -> {
                chop("Wait for it " + first, out);
                out.add(new Piece(second, PAUSE));
                chop(" and that is all.", out);
            }
        }
        return out;
    }

    private static void chop(String text, List<Piece> out) {
        int i = 0;
        while (i < text.length()) {
            int end = text.offsetByCodePoints(i, Math.min(3, text.codePointCount(i, text.length())));
            out.add(new Piece(text.substring(i, end), Duration.ZERO));
            i = end;
        }
    }
}
