package modrelay.moderation.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds sentence ends in streamed text, for one text channel (one choice's content, say). Pure: no
 * Akka, no time; the stream stage decides when to take a frame.
 *
 * <p>Sentence ends: after {@code 。！？；…} and after a newline; after {@code .!?} only when whitespace
 * (or, for whole texts, the end of the text) follows, so "3.14" and "v1.2" are not sentence ends.
 * Abbreviations are not recognised: "e.g. " ends a sentence. That only makes a frame smaller, and the
 * moderated text of the next frame still starts with the unfinished sentence (see {@link #take()}),
 * so no context is lost.
 *
 * <p>A {@code .!?} at the very end of the streamed text so far is undecided (the next character tells
 * "3." from "3.14"), yet the text is {@link #ready()} at once: waiting for the next token would hold
 * every sentence back by one token interval (models stream "." and " Next" as separate tokens). The
 * frame taken then carries its whole unfinished sentence into the next frame's head, as a frame cut
 * by max length does, so "Pi is 3." + "14" is judged as "Pi is 3.14"; once the next character shows
 * that the sentence did end there (whitespace), the head shrinks to what a finished sentence leaves
 * (the rolling window).
 *
 * <p>Each frame is moderated as {@code head + fresh}: {@code fresh} is the new text that this frame
 * releases, {@code head} is context from the text taken just before it, the longer of: the beginning of
 * the sentence that was still unfinished (so a sentence split by max length or max hold is judged
 * whole), and the rolling window of the last {@code contextChars} characters whatever the sentence ends
 * (so a term written across lines, sentences or frames, "b\nl\no\nc\nk", is seen whole).
 */
public final class SentenceFramer {

    /**
     * The carried head is at least this long (when the sentence is), whatever the frame size: with
     * tiny frames a flagged phrase could otherwise be spread over frames none of which sees it whole.
     */
    static final int MIN_HEAD_CHARS = 256;

    private final int maxChars;
    private final int maxHeadChars;
    private final int contextChars;
    private String head = "";
    private final StringBuilder pending = new StringBuilder();
    /** Index in {@code pending} just after its last sentence end, or -1. */
    private int lastEnd = -1;
    /** Characters of {@code pending} already examined (a trailing '.' waits for what follows). */
    private int scanned;
    /**
     * The head for the next frame if the last frame's undecided trailing {@code .!?} turns out to end
     * its sentence (whitespace follows); null when the last frame did not end undecided. Until the next
     * character decides, {@link #head} holds the longer, unfinished-sentence head.
     */
    private String headIfEnded;

    /** A framer without the rolling window (the unfinished sentence is still carried). */
    public SentenceFramer(int maxChars) {
        this(maxChars, 0);
    }

    /**
     * @param maxChars     a frame is ready once it holds this many characters, sentence end or not
     * @param contextChars the rolling window: this many characters taken before a frame are judged with it
     */
    public SentenceFramer(int maxChars, int contextChars) {
        if (maxChars <= 0) throw new IllegalArgumentException("maxChars must be positive");
        if (contextChars < 0) throw new IllegalArgumentException("contextChars must not be negative");
        this.maxChars = maxChars;
        this.maxHeadChars = Math.max(maxChars, MIN_HEAD_CHARS);
        this.contextChars = contextChars;
    }

    /** The text of one frame: moderate {@link #moderated()}, release {@link #fresh()}. */
    public record FrameText(String head, String fresh) {
        public String moderated() {
            return head.isEmpty() ? fresh : head + fresh;
        }
    }

    /** Adds streamed text; returns {@link #ready()}. */
    public boolean append(CharSequence text) {
        if (headIfEnded != null && text.length() > 0) {
            // the character after the last frame's trailing '.' decides whether its sentence ended there
            if (Character.isWhitespace(text.charAt(0))) head = headIfEnded;
            headIfEnded = null;
        }
        pending.append(text);
        int n = pending.length();
        int i = scanned;
        for (; i < n; i++) {
            char c = pending.charAt(i);
            if (isHardEnd(c)) {
                lastEnd = i + 1;
            } else if (isSoftEnd(c)) {
                if (i + 1 == n) break; // undecided until the next character
                if (Character.isWhitespace(pending.charAt(i + 1))) lastEnd = i + 1;
            }
        }
        scanned = i;
        return ready();
    }

    /**
     * Whether the pending text holds a complete sentence (or ends on a {@code .!?} that may end one) or
     * has reached the maximum frame length.
     */
    public boolean ready() {
        return lastEnd > 0 || endsUndecided() || pending.length() >= maxChars;
    }

    /** The pending text ends on a {@code .!?} whose meaning the next character decides. */
    private boolean endsUndecided() {
        return scanned < pending.length() && isSoftEnd(pending.charAt(pending.length() - 1));
    }

    public boolean hasPending() {
        return pending.length() > 0;
    }

    public int pendingChars() {
        return pending.length();
    }

    /**
     * Takes all pending text as a frame. The next frame's head becomes the longer of the part of this
     * frame's moderated text after its last sentence end (at most {@code max(maxChars, 256)} characters
     * of it) and the last {@code contextChars} characters of this frame's moderated text.
     */
    public FrameText take() {
        String fresh = pending.toString();
        FrameText frame = new FrameText(head, fresh);
        String moderated = frame.moderated();
        // Undecided trailing '.': judged as unfinished until the next character says otherwise (see append).
        boolean undecided = endsUndecided();
        headIfEnded = undecided ? nextHead(moderated, fresh, fresh.length()) : null;
        head = nextHead(moderated, fresh, lastEnd);
        pending.setLength(0);
        lastEnd = -1;
        scanned = 0;
        return frame;
    }

    /** The longer of the unfinished sentence after {@code end} (-1: none in this frame) and the rolling window. */
    private String nextHead(String moderated, String fresh, int end) {
        String unfinished = end >= 0 ? fresh.substring(end) : moderated;
        String sentenceHead = tail(unfinished.stripLeading(), maxHeadChars); // whitespace between sentences is no context
        String window = tail(moderated, contextChars); // head is a suffix of the text before, so this is too
        return window.length() > sentenceHead.length() ? window : sentenceHead;
    }

    /** True for characters that end a sentence whatever follows. */
    public static boolean isHardEnd(char c) {
        return switch (c) {
            case '。', '！', '？', '；', '…', '\n' -> true;
            default -> false;
        };
    }

    /** True for characters that end a sentence only when whitespace or the end of the text follows. */
    public static boolean isSoftEnd(char c) {
        return c == '.' || c == '!' || c == '?';
    }

    /**
     * The largest index {@code b} with {@code from < b <= to} such that a sentence ends just before
     * {@code b} in a whole (not streamed) text, or -1. The end of {@code text} counts as whitespace.
     */
    public static int lastSentenceEnd(CharSequence text, int from, int to) {
        for (int b = to; b > from; b--) {
            char c = text.charAt(b - 1);
            if (isHardEnd(c)) return b;
            if (isSoftEnd(c) && (b == text.length() || Character.isWhitespace(text.charAt(b)))) return b;
        }
        return -1;
    }

    /** A whole text cut after every sentence end. Concatenating the result gives back the text. */
    public static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean end = isHardEnd(c)
                    || (isSoftEnd(c) && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1))));
            if (end) {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }

    /**
     * A whole text in parts of at most {@code maxChars} characters, each cut after the last sentence end
     * before the limit when there is one (else at the limit, never inside a surrogate pair).
     * Concatenating the parts gives back the text.
     */
    public static List<String> split(String text, int maxChars) {
        if (maxChars < 2) throw new IllegalArgumentException("maxChars must be at least 2");
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (text.length() - start > maxChars) {
            int limit = start + maxChars;
            int cut = lastSentenceEnd(text, start, limit);
            if (cut < 0) {
                cut = limit;
                if (Character.isHighSurrogate(text.charAt(cut - 1))) cut--;
            }
            parts.add(text.substring(start, cut));
            start = cut;
        }
        if (start < text.length() || parts.isEmpty()) parts.add(text.substring(start));
        return parts;
    }

    private static String tail(String s, int max) {
        if (s.length() <= max) return s;
        if (max == 0) return "";
        int from = s.length() - max;
        if (Character.isLowSurrogate(s.charAt(from))) from++;
        return s.substring(from);
    }
}
