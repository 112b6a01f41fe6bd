package modrelay.moderation;

/**
 * The outcome of moderating one piece of text.
 * {@link Judged} is an answer from a moderator; {@link Unavailable} means no answer could be had
 * (timeout, error, quota) and the fail mode decides what happens.
 */
public sealed interface Verdict {

    /** A moderator's answer. {@code source} names the moderator ("keywords", "tencent"). */
    record Judged(Suggestion suggestion, String label, String subLabel, int score, String source, String requestId)
            implements Verdict {
        public static Judged pass(String source) {
            return new Judged(Suggestion.PASS, "Normal", "", 0, source, "");
        }
    }

    /** The moderator could not answer; {@code reason} is safe to log (it never holds a secret). */
    record Unavailable(String reason, String source) implements Verdict {}

    default boolean isPass() {
        return this instanceof Judged j && j.suggestion() == Suggestion.PASS;
    }
}
