package modrelay.relay.upstream;

import akka.NotUsed;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.ResponseEntity;
import akka.stream.Attributes;
import akka.stream.CompletionTimeoutException;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.StreamIdleTimeoutException;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import java.time.Duration;
import java.util.function.Function;

/**
 * IDLE_TIMEOUT between two chunks and the total cap, applied to a response body as it streams.
 *
 * <p>One stage and one timer per body instead of Akka's {@code idleTimeout} plus
 * {@code completionTimeout} (two stages, one of them waking every second to check): with thousands
 * of open streams the wake-ups and the per-stage state were a measurable share of the relay's CPU and
 * memory. The timer is not moved on every chunk; when it fires early it is set again for the time left.
 */
public final class BodyDeadlines<In> extends GraphStage<FlowShape<In, ByteString>> {
    private static final String TIMER = "deadline";

    private final Inlet<In> in = Inlet.create("BodyDeadlines.in");
    private final Outlet<ByteString> out = Outlet.create("BodyDeadlines.out");
    private final FlowShape<In, ByteString> shape = FlowShape.of(in, out);
    private final long idleNanos;
    private final long totalNanos;
    /** The bytes an element carries; null: none to pass on (the last chunk, whose trailer the relay drops). */
    private final Function<In, ByteString> data;

    private BodyDeadlines(Duration idle, Duration total, Function<In, ByteString> data) {
        this.idleNanos = idle.toNanos();
        this.totalNanos = total.toNanos();
        this.data = data;
    }

    /**
     * Fails the stream with {@link StreamIdleTimeoutException} when no chunk arrived for {@code idle},
     * or with {@link CompletionTimeoutException} when it has not ended within {@code remainingTotal}
     * (both are {@link java.util.concurrent.TimeoutException}s).
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(Duration idle, Duration remainingTotal) {
        return Flow.fromGraph(new BodyDeadlines<>(idle, atLeastAMilli(remainingTotal), Function.identity()));
    }

    /**
     * A response body's bytes, with the deadlines of {@link #flow}. A chunked body is read from its chunks by this
     * stage: {@code getDataBytes()} would add two stages to every stream for it (a map and a filter), and thousands
     * of open streams each pay for every stage they hold.
     */
    public static Source<ByteString, NotUsed> bytesOf(ResponseEntity entity, Duration idle, Duration remainingTotal) {
        if (entity instanceof HttpEntity.Chunked chunked) {
            Function<HttpEntity.ChunkStreamPart, ByteString> data = part -> part.isLastChunk() ? null : part.data();
            return chunked.getChunks().via(Flow.fromGraph(new BodyDeadlines<>(idle, atLeastAMilli(remainingTotal), data)))
                    .mapMaterializedValue(m -> NotUsed.getInstance());
        }
        return entity.getDataBytes().via(flow(idle, remainingTotal)).mapMaterializedValue(m -> NotUsed.getInstance());
    }

    private static Duration atLeastAMilli(Duration d) {
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    @Override
    public FlowShape<In, ByteString> shape() {
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
                        ByteString bytes = data.apply(grab(in));
                        if (bytes == null) pull(in);
                        else push(out, bytes);
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
