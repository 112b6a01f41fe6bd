package modrelay.moderation.chain;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;

/**
 * Asks moderators one after the other, cheapest first (keywords before Tencent TMS).
 *
 * <ul>
 *   <li>A Block stops the chain at once: later moderators are not called (not billed).
 *   <li>A Review or an Unavailable is remembered and the chain goes on, because a later moderator
 *       may still block — which matters at level {@code low}, where a Review alone does not cut.
 *   <li>The answer is the most severe verdict seen ({@link Severity}); all pass → the first pass.
 * </ul>
 */
public final class ChainModerator implements Moderator {
    private final List<Moderator> moderators;
    private final String name;

    public ChainModerator(List<Moderator> moderators) {
        if (moderators.isEmpty()) throw new IllegalArgumentException("a chain needs at least one moderator");
        this.moderators = List.copyOf(moderators);
        this.name = this.moderators.stream().map(Moderator::name).collect(Collectors.joining("+"));
    }

    @Override
    public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
        return ask(moderators.get(0), text, context).thenCompose(first -> from(1, first, text, context));
    }

    /** Asks the moderators from {@code index} on, knowing the most severe verdict so far. */
    private CompletionStage<Verdict> from(int index, Verdict soFar, String text, ModerationContext context) {
        if (index == moderators.size() || Severity.isBlock(soFar)) return CompletableFuture.completedFuture(soFar);
        return ask(moderators.get(index), text, context)
                .thenCompose(verdict -> from(index + 1, Severity.mostSevere(soFar, verdict), text, context));
    }

    /** Moderators promise never to fail; a chain does not trust that promise with a stream's fate. */
    private static CompletionStage<Verdict> ask(Moderator moderator, String text, ModerationContext context) {
        CompletionStage<Verdict> stage;
        try {
            stage = moderator.moderate(text, context);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(moderator, e));
        }
        return stage.handle((verdict, error) -> {
            if (error != null) return failed(moderator, error);
            if (verdict == null) return new Verdict.Unavailable(moderator.name() + ": no verdict", moderator.name());
            return verdict;
        });
    }

    private static Verdict failed(Moderator moderator, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return new Verdict.Unavailable(moderator.name() + ": failed (" + cause.getClass().getSimpleName() + ")",
                moderator.name());
    }

    @Override
    public String name() {
        return name;
    }

    /** The turn of the first member with a shared limit (TMS): keywords cost nothing and need none. */
    @Override
    public modrelay.moderation.capacity.CallScheduler scheduler() {
        for (Moderator moderator : moderators) {
            if (!moderator.scheduler().isUnlimited()) return moderator.scheduler();
        }
        return modrelay.moderation.capacity.CallScheduler.unlimited();
    }

    /** Closes every moderator, even if one of them throws. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Moderator moderator : moderators) {
            try {
                moderator.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }

    @Override
    public String toString() {
        return "ChainModerator(" + name + ")";
    }
}
