package modrelay.moderation.keywords;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Brings text and keyword entries to one comparable form, so that a list entry written once matches
 * the ways a model (or a user steering it) may spell it.
 *
 * <ul>
 *   <li>NFKC: full-width letters and digits, ligatures and compatibility forms become their plain forms.
 *   <li>Case folding: upper-casing then lower-casing, which also folds ß/SS and final sigma
 *       (Java has no full Unicode case folding; this is the usual close approximation).
 *   <li>Invisible format characters (zero-width space, joiners, BOM) are dropped.
 *   <li>Whitespace between two characters of spaceless scripts (Han, kana, Thai, …) is dropped, so
 *       "敏 感 词" matches "敏感词"; elsewhere a run of whitespace becomes one space.
 *   <li>{@link #joinSpacedLetters}: a second form in which a run of single letters written apart
 *       ("b l o c k", one letter per line, "b.l.o.c.k") is joined into one word.
 * </ul>
 */
final class TextFolding {
    private TextFolding() {}

    private static final Set<Character.UnicodeScript> SPACELESS = EnumSet.of(
            Character.UnicodeScript.HAN,
            Character.UnicodeScript.HIRAGANA,
            Character.UnicodeScript.KATAKANA,
            Character.UnicodeScript.THAI,
            Character.UnicodeScript.LAO,
            Character.UnicodeScript.KHMER,
            Character.UnicodeScript.MYANMAR);

    static String nfkc(String text) {
        return Normalizer.isNormalized(text, Normalizer.Form.NFKC)
                ? text
                : Normalizer.normalize(text, Normalizer.Form.NFKC);
    }

    /** The comparable form of already NFKC-normalised text. */
    static String foldNfkc(String nfkc) {
        String cased = nfkc.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return squeeze(cased);
    }

    static String fold(String text) {
        return foldNfkc(nfkc(text));
    }

    /** Letters of scripts that do not separate words with spaces. */
    static boolean isSpaceless(int codePoint) {
        return SPACELESS.contains(Character.UnicodeScript.of(codePoint));
    }

    /** A character that continues a space-separated word: a match must not start or end inside one. */
    static boolean isWordChar(int codePoint) {
        return Character.isLetterOrDigit(codePoint) && !isSpaceless(codePoint);
    }

    private static final java.util.regex.Pattern LINE_BREAK =
            java.util.regex.Pattern.compile("[ \\t]*[\\r\\n\\u000b\\f\\u0085\\u2028\\u2029]+[ \\t]*");

    /**
     * JSON string escapes decoded ({@code \\n}, {@code \\t}, {@code \\u0041}, …) as a client that parses the
     * arguments of a tool call would read them; anything that is no valid escape stays as it is.
     */
    static String jsonUnescaped(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char n = s.charAt(i + 1);
            switch (n) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b', 'f' -> out.append(' ');
                case '"', '\\', '/' -> out.append(n);
                case 'u' -> {
                    if (i + 5 < s.length() + 0 && i + 6 <= s.length() && s.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
                        out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                        i += 4;
                    } else {
                        out.append(c).append(n);
                    }
                }
                default -> out.append(c).append(n);
            }
            i++;
        }
        return out.toString();
    }

    /** The text with its line breaks (and the blanks around them) taken out: "zor\nblax" is read as "zorblax". */
    static String withoutLineBreaks(String s) {
        return LINE_BREAK.matcher(s).replaceAll("");
    }

    /** Fewest single letters in a row that are read as one word spelled out (two is too common in prose). */
    static final int MIN_SPELLED_LETTERS = 3;
    /** Longest gap between spelled-out letters ("b - l" has three characters between them). */
    static final int MAX_SPELLING_GAP = 3;

    /**
     * Joins runs of at least three single word characters separated by short gaps of whitespace or
     * punctuation: "b\nl\no\nc\nk" and "b-l-o-c-k" become "block", so a term spelled out one letter at
     * a time is matched like the word. Other text is kept as it is; returns {@code s} itself when nothing
     * was joined.
     */
    static String joinSpacedLetters(String s) {
        List<int[]> runs = spelledRuns(s);
        if (runs.isEmpty()) return s;
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        for (int[] run : runs) {
            out.append(s, copied, run[0]);
            appendLetters(s, run, out);
            copied = run[1];
        }
        out.append(s, copied, s.length());
        return out.toString();
    }

    /** The letters of each spelled-out run, joined ("b l o c k" → "block"). */
    static List<String> spelledWords(String s) {
        List<String> words = new ArrayList<>();
        for (int[] run : spelledRuns(s)) {
            StringBuilder sb = new StringBuilder();
            appendLetters(s, run, sb);
            words.add(sb.toString());
        }
        return words;
    }

    private static void appendLetters(String s, int[] run, StringBuilder out) {
        for (int p = run[0]; p < run[1]; ) {
            int cp = s.codePointAt(p);
            if (isWordChar(cp)) out.appendCodePoint(cp);
            p += Character.charCount(cp);
        }
    }

    /** [start, end) of every run of at least {@link #MIN_SPELLED_LETTERS} single letters with short gaps. */
    private static List<int[]> spelledRuns(String s) {
        List<int[]> runs = new ArrayList<>(0);
        int i = 0;
        int n = s.length();
        while (i < n) {
            int runStart = i;
            int letters = 0;
            int j = i; // end of the run's last letter
            int k = i;
            while (k < n) {
                int cp = s.codePointAt(k);
                int after = k + Character.charCount(cp);
                if (!isWordChar(cp) || (after < n && isWordChar(s.codePointAt(after)))
                        || (k > 0 && k == runStart && isWordChar(s.codePointBefore(k)))) break;
                letters++;
                j = after;
                int gapEnd = j;
                while (gapEnd < n && gapEnd - j <= MAX_SPELLING_GAP && !Character.isLetterOrDigit(s.codePointAt(gapEnd))) gapEnd++;
                if (gapEnd == j || gapEnd - j > MAX_SPELLING_GAP || gapEnd == n) break;
                k = gapEnd;
            }
            if (letters >= MIN_SPELLED_LETTERS) {
                runs.add(new int[] {runStart, j});
                i = j;
            } else {
                i = runStart + Character.charCount(s.codePointAt(runStart));
            }
        }
        return runs;
    }

    private static String squeeze(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int lastKept = -1; // code point of the last character kept, -1 at the start
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.FORMAT) continue;
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                pendingSpace = lastKept != -1;
                continue;
            }
            if (pendingSpace && !(isSpaceless(lastKept) && isSpaceless(cp))) out.append(' ');
            pendingSpace = false;
            out.appendCodePoint(cp);
            lastKept = cp;
        }
        return out.toString();
    }
}
