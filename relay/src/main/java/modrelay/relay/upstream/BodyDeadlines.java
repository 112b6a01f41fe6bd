package modrelay.relay.upstream;

import akka.NotUsed;
import akka.stream.Attributes;
import akka.stream.CompletionTimeoutException;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.StreamIdleTimeoutException;
import akka.stream.javadsl.Flow;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import java.time.Duration;

/**
 * IDLE_TIMEOUT between two chunks and the total cap, applied to a response body as it streams.
 *
 * <p>One stage and one timer per body instead of Akka's {@code idleTimeout} plus
 * {@code completionTimeout} (two stages, one of them waking every second to check): with thousands
 * of open streams the wake-ups and the per-stage state were a measurable share of the relay's CPU and
 * memory. The timer is not moved on every chunk; when it fires early it is set again for the time left.
 */
public final class BodyDeadlines extends GraphStage<FlowShape<ByteString, ByteString>> {
    private static final String TIMER = "deadline";

    private final Inlet<ByteString> in = Inlet.create("BodyDeadlines.in");
    private final Outlet<ByteString> out = Outlet.create("BodyDeadlines.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final long idleNanos;
    private final long totalNanos;

    private BodyDeadlines(Duration idle, Duration total) {
        this.idleNanos = idle.toNanos();
        this.totalNanos = total.toNanos();
    }

    /**
     * Fails the stream with {@link StreamIdleTimeoutException} when no chunk arrived for {@code idle},
     * or with {@link CompletionTimeoutException} when it has not ended within {@code remainingTotal}
     * (both are {@link java.util.concurrent.TimeoutException}s).
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(Duration idle, Duration remainingTotal) {
        Duration total = remainingTotal.isNegative() || remainingTotal.isZero() ? Duration.ofMillis(1) : remainingTotal;
        return Flow.fromGraph(new BodyDeadlines(idle, total));
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private long startNanos;
            private long lastChunkNanos;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        lastChunkNanos = System.nanoTime();
                        push(out, grab(in));
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }
                });
            }

            @Override
            public void preStart() {
                startNanos = System.nanoTime();
                lastChunkNanos = startNanos;
                arm(startNanos);
            }

            @Override
            public void onTimer(Object key) {
                long now = System.nanoTime();
                if (now - startNanos >= totalNanos) {
                    failStage(new CompletionTimeoutException(
                            "The stream has not been completed in " + Duration.ofNanos(totalNanos).toMillis() + " ms."));
                } else if (now - lastChunkNanos >= idleNanos) {
                    failStage(new StreamIdleTimeoutException(
                            "No elements passed in the last " + Duration.ofNanos(idleNanos).toMillis() + " ms."));
                } else {
                    arm(now);
                }
            }

            /** The timer for whichever deadline comes first, as things stand {@code now}. */
            private void arm(long now) {
                long next = Math.min(startNanos + totalNanos, lastChunkNanos + idleNanos);
                scheduleOnce(TIMER, Duration.ofNanos(Math.max(1_000_000L, next - now)));
            }
        };
    }
}
