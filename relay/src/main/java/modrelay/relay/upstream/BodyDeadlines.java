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
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
    /** What goes on for those bytes (empty: nothing yet), and what is left at the end. */
    private final UnaryOperator<ByteString> passing;
    private final Supplier<ByteString> rest;

    private BodyDeadlines(Duration idle, Duration total, Function<In, ByteString> data, UnaryOperator<ByteString> passing,
            Supplier<ByteString> rest) {
        this.idleNanos = idle.toNanos();
        this.totalNanos = total.toNanos();
        this.data = data;
        this.passing = passing;
        this.rest = rest;
    }

    /**
     * Fails the stream with {@link StreamIdleTimeoutException} when no chunk arrived for {@code idle},
     * or with {@link CompletionTimeoutException} when it has not ended within {@code remainingTotal}
     * (both are {@link java.util.concurrent.TimeoutException}s).
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(Duration idle, Duration remainingTotal) {
        return flow(idle, remainingTotal, UnaryOperator.identity(), ByteString::emptyByteString);
    }

    /**
     * As {@link #flow}, and each chunk's bytes go through {@code passing} in the same stage: what it returns goes on
     * (empty: nothing yet), and what {@code rest} gives at the end goes last. A reader of a stream's bytes (its usage)
     * runs here rather than in a stage of its own.
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(Duration idle, Duration remainingTotal,
            UnaryOperator<ByteString> passing, Supplier<ByteString> rest) {
        return Flow.fromGraph(new BodyDeadlines<>(idle, atLeastAMilli(remainingTotal), Function.identity(), passing, rest));
    }

    /** A response body's bytes, with the deadlines of {@link #flow}. */
    public static Source<ByteString, NotUsed> bytesOf(ResponseEntity entity, Duration idle, Duration remainingTotal) {
        return bytesOf(entity, idle, remainingTotal, UnaryOperator.identity(), ByteString::emptyByteString);
    }

    /**
     * A response body's bytes, with the deadlines and the reader of {@link #flow(Duration, Duration, UnaryOperator,
     * Supplier)}. A chunked body is read from its chunks by this stage: {@code getDataBytes()} would add two stages to
     * every stream for it (a map and a filter), and thousands of open streams each pay for every stage they hold.
     */
    public static Source<ByteString, NotUsed> bytesOf(ResponseEntity entity, Duration idle, Duration remainingTotal,
            UnaryOperator<ByteString> passing, Supplier<ByteString> rest) {
        if (entity instanceof HttpEntity.Chunked chunked) {
            Function<HttpEntity.ChunkStreamPart, ByteString> data = part -> part.isLastChunk() ? null : part.data();
            return chunked.getChunks()
                    .via(Flow.fromGraph(new BodyDeadlines<>(idle, atLeastAMilli(remainingTotal), data, passing, rest)))
                    .mapMaterializedValue(m -> NotUsed.getInstance());
        }
        return entity.getDataBytes().via(flow(idle, remainingTotal, passing, rest)).mapMaterializedValue(m -> NotUsed.getInstance());
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
                        ByteString passed = bytes == null ? null : passing.apply(bytes);
                        if (passed == null || passed.isEmpty()) pull(in);
                        else push(out, passed);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        ByteString last = rest.get();
                        if (last.isEmpty()) completeStage();
                        else emit(out, last, () -> completeStage());
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
