package modrelay.relay.metrics;

import java.util.Locale;
import java.util.concurrent.CompletionStage;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;

/** A moderator that counts and times its calls: result, latency, verdicts by suggestion and label, failures. */
public final class MeteredModerator implements Moderator {
    private final Moderator inner;
    private final RelayMetrics metrics;

    public MeteredModerator(Moderator inner, RelayMetrics metrics) {
        this.inner = inner;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
        long start = System.nanoTime();
        CompletionStage<Verdict> call;
        try {
            call = inner.moderate(text, context);
        } catch (RuntimeException e) {
            failed(inner.name(), start);
            throw e;
        }
        if (call == null) {
            failed(inner.name(), start);
            return null;
        }
        return call.whenComplete((verdict, error) -> {
            if (verdict instanceof Verdict.Judged j) {
                String suggestion = j.suggestion().name().toLowerCase(Locale.ROOT);
                metrics.moderationCall(j.source(), suggestion, System.nanoTime() - start);
                metrics.moderationVerdict(suggestion, j.label());
            } else if (verdict instanceof Verdict.Unavailable u) {
                failed(u.source(), start);
            } else {
                failed(inner.name(), start);
            }
        });
    }

    private void failed(String source, long start) {
        metrics.moderationCall(source, "unavailable", System.nanoTime() - start);
        metrics.moderationFailure(source);
    }

    @Override
    public String name() {
        return inner.name();
    }

    /** The inner moderator's: streams must wait for the same turns whether or not calls are counted. */
    @Override
    public modrelay.moderation.capacity.CallScheduler scheduler() {
        return inner.scheduler();
    }

    @Override
    public void close() {
        inner.close();
    }
}
