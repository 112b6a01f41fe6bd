package modrelay.loadtests.fakes;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a reply into the pieces a model would stream: a Latin word together with the spaces and
 * punctuation that follow it, and every CJK character or emoji on its own. Concatenating the
 * tokens always gives back the input exactly; no surrogate pair, combining mark, variation
 * selector or zero-width-joined emoji sequence is ever split, so every token is valid UTF-8.
 */
public final class FakeTokens {
    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private FakeTokens() {}

    public static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        Kind currentKind = Kind.NONE;
        boolean joinNext = false;
        boolean loneRegionalIndicator = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int width = Character.charCount(cp);
            boolean secondHalfOfFlag = loneRegionalIndicator && isRegionalIndicator(cp);
            loneRegionalIndicator = !secondHalfOfFlag && isRegionalIndicator(cp);
            if (joinNext || secondHalfOfFlag || clingsToPrevious(cp)) {
                // Modifiers, joined emoji and the second letter of a flag belong to what came before.
                current.appendCodePoint(cp);
                joinNext = cp == ZERO_WIDTH_JOINER;
                i += width;
                continue;
            }
            Kind kind = kindOf(cp, text, i + width);
            if (startsNewToken(currentKind, kind) && current.length() > 0) {
                tokens.add(current.toString());
                current.setLength(0);
            }
            current.appendCodePoint(cp);
            currentKind = merge(currentKind, kind);
            i += width;
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    /** What the token being built consists of so far. */
    private enum Kind { NONE, WORD, WORD_THEN_GAP, GAP, SOLO }

    private static boolean startsNewToken(Kind current, Kind next) {
        return switch (next) {
            case SOLO -> true;
            // A word starts a token unless the token so far is only a word (mid-word) or a leading gap.
            case WORD -> current == Kind.WORD_THEN_GAP || current == Kind.SOLO;
            // Spaces and punctuation trail the word before them, but never a CJK character or emoji.
            default -> current == Kind.SOLO;
        };
    }

    private static Kind merge(Kind current, Kind next) {
        return switch (next) {
            case SOLO, WORD -> next;
            default -> (current == Kind.WORD || current == Kind.WORD_THEN_GAP) ? Kind.WORD_THEN_GAP : Kind.GAP;
        };
    }

    private static Kind kindOf(int cp, String text, int nextIndex) {
        if (isSolo(cp)) return Kind.SOLO;
        if (Character.isLetterOrDigit(cp)) return Kind.WORD;
        // An apostrophe followed by a letter stays inside the word ("don't").
        if ((cp == '\'' || cp == '\u2019') && nextIndex < text.length()
                && Character.isLetter(text.codePointAt(nextIndex))) {
            return Kind.WORD;
        }
        return Kind.GAP;
    }

    private static boolean isSolo(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        if (script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL) {
            return true;
        }
        Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
        if (block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
                || block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS) {
            return true;
        }
        return isEmoji(cp);
    }

    private static boolean isEmoji(int cp) {
        return (cp >= 0x1F000 && cp <= 0x1FAFF)   // emoticons, pictographs, transport, flags, ...
                || (cp >= 0x2600 && cp <= 0x27BF)  // misc symbols and dingbats
                || (cp >= 0x2B00 && cp <= 0x2BFF)  // arrows and stars such as ⭐
                || Character.getType(cp) == Character.OTHER_SYMBOL && Character.isSupplementaryCodePoint(cp);
    }

    private static boolean isRegionalIndicator(int cp) {
        return cp >= 0x1F1E6 && cp <= 0x1F1FF;
    }

    private static boolean clingsToPrevious(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || (cp >= 0xFE00 && cp <= 0xFE0F)        // variation selectors (emoji presentation)
                || (cp >= 0x1F3FB && cp <= 0x1F3FF)      // skin-tone modifiers
                || (cp >= 0xE0020 && cp <= 0xE007F)      // tag sequences (subdivision flags)
                || cp == ZERO_WIDTH_JOINER;
    }
}
