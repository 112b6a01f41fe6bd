package modrelay.moderation.text;

/**
 * A field where model text belongs holds something that is neither a string nor null (or an event that
 * should be JSON is not). The gate cannot judge what it cannot read, so the event fails closed.
 * Thrown inside the dialects only and turned into {@link DialectEvent#unreadable()} / {@link WholeAnswer.Unreadable}.
 */
final class UnreadableText extends RuntimeException {
    UnreadableText(String where) {
        super(where, null, false, false);
    }
}
