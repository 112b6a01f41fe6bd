package modrelay.moderation.stage;

import modrelay.moderation.ModerationListener;
import modrelay.moderation.Verdict;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Records what the flow reports; {@link #summary()} waits for onEnd and checks it came exactly once. */
final class RecordingListener implements ModerationListener {

    record Frame(String text, Verdict verdict, FrameOutcome outcome) {}

    final List<Frame> frames = new CopyOnWriteArrayList<>();
    final List<Summary> ends = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Summary> ended = new CompletableFuture<>();

    @Override
    public void onFrame(String text, Verdict verdict, FrameOutcome outcome) {
        frames.add(new Frame(text, verdict, outcome));
    }

    @Override
    public void onEnd(Summary summary) {
        ends.add(summary);
        ended.complete(summary);
    }

    Summary summary() throws Exception {
        Summary summary = ended.get(10, TimeUnit.SECONDS);
        assertEquals(1, ends.size(), "onEnd must be called exactly once");
        return summary;
    }

    List<FrameOutcome> outcomes() {
        return frames.stream().map(Frame::outcome).toList();
    }
}
