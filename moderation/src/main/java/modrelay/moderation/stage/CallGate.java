package modrelay.moderation.stage;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import modrelay.moderation.Verdict;
import modrelay.moderation.capacity.CallPermit;
import modrelay.moderation.capacity.CallScheduler;
import modrelay.moderation.text.DialectEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Waits for the moderator's turn before a frame goes to its call, so that under a shared rate limit
 * a stream degrades by merging, never by cutting clean text.
 *
 * <p>A stream has at most one frame waiting for a turn. Everything that arrives while it waits joins
 * it: frames merge into it (one call judges all their sentences), text-less events ride along. The
 * turn is asked for only when the moderation stage can take the frame, so a stream whose calls are
 * all in flight asks for nothing and keeps merging. The frame then goes out with its permit, which
 * the call releases when it is answered. A frame that waited past the scheduler's
 * {@link CallScheduler#maxWait() maximum wait} goes out without a call, as {@link Verdict.Unavailable}:
 * the fail mode decides (closed by default), nothing is released unjudged.
 *
 * <p>Bounded: merging stops at what one call takes (or {@value #MAX_MERGED_CHARS} characters) and
 * {@value #MAX_MERGED_EVENTS} events; then the stage holds one more unit and stops pulling, which
 * backpressures the upstream.
 */
final class CallGate extends GraphStage<FlowShape<ReleaseUnit, CallGate.Ready>> {

    /** A unit on its way to the moderator: with the permit its call uses, or already judged unavailable. */
    record Ready(ReleaseUnit unit, CallPermit permit, Verdict unavailable) {}

    static final int MAX_MERGED_CHARS = 64 * 1024;
    static final int MAX_MERGED_EVENTS = 4096;
    private static final int MAX_OUTBOX = 8;
    private static final String WAITED_TOO_LONG = "waited";

    private final Inlet<ReleaseUnit> in = Inlet.create("CallGate.in");
    private final Outlet<Ready> out = Outlet.create("CallGate.out");
    private final FlowShape<ReleaseUnit, Ready> shape = FlowShape.of(in, out);
    private final CallScheduler scheduler;
    private final String source;

    /** @param source names the moderator in the verdict of a frame that waited too long */
    CallGate(CallScheduler scheduler, String source) {
        this.scheduler = scheduler;
        this.source = source;
    }

    @Override
    public FlowShape<ReleaseUnit, Ready> shape() {
        return shape;
    }

    private record Granted(long turn, CallPermit permit) {}

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private final CallScheduler.Lane lane = scheduler.lane();
            private final ArrayDeque<Ready> outbox = new ArrayDeque<>();
            private final AsyncCallback<Granted> onGranted = createAsyncCallback(this::granted);
            /** The frame waiting for its turn, with everything that arrived after it. */
            private ReleaseUnit.Frame waiting;
            /** A unit that could not join {@link #waiting}: it waits for the next turn, the inlet is not pulled. */
            private ReleaseUnit held;
            private CompletableFuture<CallPermit> asking;
            private long turn;
            private boolean upstreamDone;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        accept(grab(in));
                        deliver();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        upstreamDone = true;
                        deliver();
                    }
                    // onUpstreamFailure: the default fails at once; a waiting frame is never released.
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        deliver();
                    }
                });
            }

            private void accept(ReleaseUnit unit) {
                if (waiting == null) {
                    if (unit instanceof ReleaseUnit.Frame frame) {
                        waiting = frame;
                        if (!scheduler.isUnlimited()) scheduleOnce(WAITED_TOO_LONG, scheduler.maxWait());
                    } else {
                        outbox.addLast(new Ready(unit, null, null));
                    }
                    return;
                }
                ReleaseUnit.Frame joined = join(waiting, unit);
                if (joined != null) waiting = joined;
                else held = unit;
            }

            /** The waiting frame with {@code unit} joined, or null when that would make it too big. */
            private ReleaseUnit.Frame join(ReleaseUnit.Frame frame, ReleaseUnit unit) {
                if (frame.events().size() + unit.events().size() > MAX_MERGED_EVENTS) return null;
                if (unit instanceof ReleaseUnit.Frame next) {
                    ReleaseUnit.Frame merged = frame.mergedWith(next);
                    String text = merged.moderatedText();
                    if (text.length() > MAX_MERGED_CHARS) return null;
                    boolean sameCalls = scheduler.callsFor(text) <= scheduler.callsFor(frame.moderatedText());
                    return sameCalls ? merged : null;
                }
                List<DialectEvent> events = new ArrayList<>(frame.events());
                events.addAll(unit.events());
                return new ReleaseUnit.Frame(events, frame.texts());
            }

            /** Pushes what is ready, asks for a turn when the frame could go, pulls while it can take more. */
            private void deliver() {
                if (isAvailable(out) && !outbox.isEmpty()) push(out, outbox.pollFirst());
                if (waiting != null && asking == null && outbox.isEmpty() && isAvailable(out)) ask();
                if (upstreamDone) {
                    if (waiting == null && held == null && outbox.isEmpty()) completeStage();
                } else if (held == null && outbox.size() < MAX_OUTBOX && !hasBeenPulled(in)) {
                    pull(in);
                }
            }

            private void ask() {
                long mine = ++turn;
                CompletableFuture<CallPermit> turnTaken = lane.acquire(scheduler.callsFor(waiting.moderatedText()));
                if (turnTaken.isDone() && !turnTaken.isCompletedExceptionally()) {
                    // Granted at once (capacity to spare): the frame goes as it is, as without a limit.
                    send(new Ready(waiting, turnTaken.join(), null));
                    return;
                }
                asking = turnTaken;
                turnTaken.thenAccept(permit -> onGranted.invoke(new Granted(mine, permit)));
            }

            private void granted(Granted granted) {
                if (granted.turn() != turn || asking == null) { // that frame already gave up
                    granted.permit().release();
                    return;
                }
                asking = null;
                send(new Ready(waiting, granted.permit(), null));
            }

            @Override
            public void onTimer(Object key) {
                if (waiting == null) return;
                if (asking != null && !asking.cancel(false)) {
                    // Granted just now; its callback is on its way and will find nothing to send.
                    asking.thenAccept(CallPermit::release);
                }
                asking = null;
                turn++;
                send(new Ready(waiting, null, new Verdict.Unavailable("moderation: no call slot within "
                        + scheduler.maxWait().toMillis() + " ms (the moderator's rate limit)", source)));
            }

            /** The waiting frame goes; the held unit, if any, starts the next wait. */
            private void send(Ready ready) {
                cancelTimer(WAITED_TOO_LONG);
                outbox.addLast(ready);
                waiting = null;
                ReleaseUnit next = held;
                held = null;
                if (next != null) accept(next);
                deliver();
            }

            @Override
            public void postStop() {
                CompletableFuture<CallPermit> pending = asking;
                asking = null;
                if (pending != null && !pending.cancel(false)) pending.thenAccept(CallPermit::release);
                for (Ready ready : outbox) if (ready.permit() != null) ready.permit().release();
            }
        };
    }
}
