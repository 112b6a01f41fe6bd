package modrelay.moderation.stage;

import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.chain.Severity;
import modrelay.moderation.text.SentenceFramer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Calls a moderator so that nothing it does can fail the stream: a throw, a null or a failed future
 * all become {@link Verdict.Unavailable}, and the fail mode decides. The whole text goes to the
 * moderator: a moderator with a length limit per call (TMS) splits it itself.
 */
public final class SafeModeration {

    /**
     * Whole answers are reported to the listener in parts of at most this size (WholeResponseModeration);
     * a moderator still gets each part whole and splits it itself if it must.
     */
    static final int MAX_CALL_CHARS = 10_000;

    private SafeModeration() {}

    /** One call of {@code moderator}; whatever goes wrong comes back as {@link Verdict.Unavailable}, never as a failure. */
    public static CompletionStage<Verdict> call(Moderator moderator, String text, ModerationContext context) {
        CompletionStage<Verdict> call;
        try {
            call = moderator.moderate(text, context);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(unavailable(moderator, e));
        }
        if (call == null) return CompletableFuture.completedFuture(new Verdict.Unavailable("moderator returned no answer", moderator.name()));
        return call.handle((verdict, error) -> {
            if (error != null) return unavailable(moderator, error);
            return verdict != null ? verdict : new Verdict.Unavailable("moderator returned no verdict", moderator.name());
        });
    }

    /** The most severe of the parts' verdicts ({@link Severity}, the one ranking): it cuts whenever a part would. */
    static Verdict worst(List<Verdict> verdicts) {
        Verdict worst = verdicts.get(0);
        for (Verdict v : verdicts.subList(1, verdicts.size())) worst = Severity.mostSevere(worst, v);
        return worst;
    }

    private static Verdict unavailable(Moderator moderator, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        // Only the exception type: a message might quote a request that carried credentials.
        return new Verdict.Unavailable("moderator failed: " + cause.getClass().getSimpleName(), moderator.name());
    }
}
