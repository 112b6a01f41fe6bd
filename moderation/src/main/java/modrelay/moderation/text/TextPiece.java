package modrelay.moderation.text;

/**
 * Text carried by one event for one channel. A channel is one independent text stream whose sentences
 * are framed separately: a choice's content, a choice's reasoning, a Responses output part.
 */
public record TextPiece(String channel, String text) {

    /** Text streams of logprob tokens (alternatives included) start with this: judged, but not the answer's text. */
    public static final String TOKENS_PREFIX = "~";

    /** Whether this is the answer's own text (for logs), not logprob tokens. */
    public boolean isAnswerText() {
        return !channel.startsWith(TOKENS_PREFIX);
    }
}
