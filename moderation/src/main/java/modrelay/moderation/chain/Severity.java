package modrelay.moderation.chain;

import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;

/**
 * Combines verdicts about the same text (several moderators, or several slices of a long text).
 *
 * <p>Order, most severe first: Block, Unavailable, Review, Pass. Unavailable ranks above Review so
 * that with the default fail mode (closed) a combination never releases a part nobody judged: at
 * level {@code low} a Review alone would pass, Unavailable cuts. At the same rank the higher score,
 * then the earlier verdict, wins.
 */
public final class Severity {
    private Severity() {}

    public static int rank(Verdict verdict) {
        if (verdict instanceof Verdict.Judged j) {
            return switch (j.suggestion()) {
                case BLOCK -> 3;
                case REVIEW -> 1;
                case PASS -> 0;
            };
        }
        return 2;
    }

    /** The more severe of two verdicts; {@code first} on a tie. */
    public static Verdict mostSevere(Verdict first, Verdict second) {
        int a = rank(first);
        int b = rank(second);
        if (a != b) return a > b ? first : second;
        if (first instanceof Verdict.Judged x && second instanceof Verdict.Judged y && y.score() > x.score()) {
            return second;
        }
        return first;
    }

    public static boolean isBlock(Verdict verdict) {
        return verdict instanceof Verdict.Judged j && j.suggestion() == Suggestion.BLOCK;
    }
}
