package modrelay.moderation.tencent;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text into slices TMS accepts (at most {@code max} UTF-16 units, which is also at most
 * {@code max} Unicode characters, TMS's own measure). A slice ends after the last whitespace or
 * sentence punctuation near its limit when there is one, so a word is rarely cut in two, and never
 * inside a surrogate pair.
 */
final class ContentSplitter {
    /** How far back from the limit a natural break is looked for. */
    private static final int LOOK_BACK = 200;

    private ContentSplitter() {}

    static List<String> split(String text, int max) {
        if (text.length() <= max) return List.of(text);
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (text.length() - start > max) {
            int end = breakBefore(text, start + max, Math.max(start + 1, start + max - LOOK_BACK));
            parts.add(text.substring(start, end));
            start = end;
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** The best cut position in (floor, limit]: after a break character, else limit (kept off a surrogate pair). */
    private static int breakBefore(String text, int limit, int floor) {
        for (int i = limit; i > floor; i--) {
            if (isBreak(text.charAt(i - 1))) return i;
        }
        return Character.isLowSurrogate(text.charAt(limit)) && Character.isHighSurrogate(text.charAt(limit - 1))
                ? limit - 1
                : limit;
    }

    private static boolean isBreak(char c) {
        return Character.isWhitespace(c) || ".!?;,。！？；，、…\n".indexOf(c) >= 0;
    }
}
