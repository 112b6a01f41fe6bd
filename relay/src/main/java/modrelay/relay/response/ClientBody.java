package modrelay.relay.response;

import modrelay.relay.exchange.BodyListener;
import modrelay.relay.exchange.BodyEnd;
import akka.Done;
import akka.NotUsed;
import akka.http.javadsl.model.HttpEntity;
import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.javadsl.Flow;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import modrelay.moderation.sse.EventBoundary;
import modrelay.moderation.sse.SseWriter;

/**
 * The last stage of every streamed response body: counts the bytes the client is sent, turns an
 * upstream failure into a final SSE error event (for event streams), and when the body has ended —
 * completed, failed, or the client went away — tells the exchange's listener how, then runs the
 * exchange's {@link BodyEnd} hooks. An event stream also gets its heartbeat here: after a quiet
 * interval a {@code : ping} comment, which every SSE client ignores, and only at an event boundary.
 * Servers and proxies close idle connections, and a client that went away is only noticed on the next
 * write, so a heartbeat also bounds how long an abandoned stream lives.
 *
 * <p>One stage doing what a recover, a byte counter, a heartbeat stage, two watchTermination
 * wrappers and Akka's chunk wrapping did before: every open stream holds each of its stages.
 */
public final class ClientBody<Out> extends GraphStage<FlowShape<ByteString, Out>> {
    private static final String HEARTBEAT = "heartbeat";
    static final ByteString PING = SseWriter.comment("ping");

    private final Inlet<ByteString> in = Inlet.create("ClientBody.in");
    private final Outlet<Out> out = Outlet.create("ClientBody.out");
    private final FlowShape<ByteString, Out> shape = FlowShape.of(in, out);
    /** Hears how a body went. Called on the stream's thread: must be quick. */
    private final BodyListener listener;
    private final BodyEnd end;
    /** An event stream's: the event that ends it when the upstream fails or the relay shuts down. */
    private final Optional<Function<Throwable, ByteString>> errorEvent;
    /** What the client's entity is made of, from the bytes; null: nothing to send (an empty chunk). */
    private final Function<ByteString, Out> wrap;
    /** Nanoseconds of quiet before a heartbeat; 0: none. */
    private final long heartbeatNanos;

    private ClientBody(BodyListener listener, BodyEnd end, Optional<Function<Throwable, ByteString>> errorEvent,
            Function<ByteString, Out> wrap, Duration heartbeat) {
        this.listener = listener;
        this.end = end;
        this.errorEvent = errorEvent;
        this.wrap = wrap;
        this.heartbeatNanos = heartbeat.toNanos();
    }

    /** A body other than an event stream, byte for byte: when the upstream fails, so does the client's body (abort). */
    public static Flow<ByteString, ByteString, NotUsed> flow(BodyListener listener, BodyEnd end) {
        end.attach();
        return Flow.fromGraph(new ClientBody<>(listener, end, Optional.empty(), Function.identity(), Duration.ZERO));
    }

    /**
     * An event stream, as the chunks of a chunked entity: each chunk of bytes leaves as the chunk the server writes
     * (an empty one is left out, it would end the body), which spares the stage {@code HttpEntities.createChunked} adds
     * to every stream for it. {@code errorEvent} ends the stream when the upstream fails or the relay shuts down; after
     * {@code heartbeat} without output a ping is sent.
     */
    public static Flow<ByteString, HttpEntity.ChunkStreamPart, NotUsed> eventStream(BodyListener listener, BodyEnd end,
            Function<Throwable, ByteString> errorEvent, Duration heartbeat) {
        if (heartbeat.isZero() || heartbeat.isNegative()) throw new IllegalArgumentException("heartbeat must be positive");
        end.attach();
        return Flow.fromGraph(new ClientBody<>(listener, end, Optional.of(errorEvent),
                bytes -> bytes.isEmpty() ? null : HttpEntity.ChunkStreamPart.create(bytes), heartbeat));
    }

    @Override
    public FlowShape<ByteString, Out> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private long bytes;
            private boolean ended;
            /** A chunk that arrived while a heartbeat used up the client's demand. */
            private ByteString pending;
            private final EventBoundary boundary = heartbeatNanos > 0 ? new EventBoundary() : null;
            /** When the last bytes went out; the timer is not moved per chunk (that cost a scheduler task per token). */
            private long lastOutNanos;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        ByteString chunk = grab(in);
                        if (isAvailable(out)) send(chunk);
                        else pending = chunk;
                    }

                    @Override
                    public void onUpstreamFinish() {
                        ByteString last = pending;
                        pending = null;
                        Out part = last == null ? null : wrap.apply(last);
                        if (part == null) {
                            end("ok");
                            completeStage();
                            return;
                        }
                        emit(out, part, () -> {
                            bytes += last.size();
                            end("ok");
                            completeStage();
                        });
                    }

                    @Override
                    public void onUpstreamFailure(Throwable failure) {
                        if (errorEvent.isEmpty()) {
                            end("aborted");
                            failStage(failure);
                            return;
                        }
                        ByteString event = errorEvent.get().apply(failure);
                        // What the upstream sent before it failed, then the event that ends the stream.
                        ByteString last = pending;
                        pending = null;
                        ByteString tail = last == null ? event : last.concat(event);
                        emit(out, wrap.apply(tail), () -> {
                            bytes += tail.size();
                            end("upstream_error");
                            completeStage();
                        });
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (pending != null) {
                            ByteString chunk = pending;
                            pending = null;
                            send(chunk);
                        }
                        if (!hasBeenPulled(in) && !isClosed(in)) pull(in);
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        end("aborted");
                        cancelStage(cause);
                    }
                });
            }

            /** Sends a chunk the client's demand has room for (an empty one is skipped: the next is asked for). */
            private void send(ByteString chunk) {
                Out part = wrap.apply(chunk);
                if (part == null) {
                    if (!hasBeenPulled(in) && !isClosed(in)) pull(in);
                    return;
                }
                bytes += chunk.size();
                push(out, part);
                if (heartbeatNanos > 0) {
                    boundary.after(chunk);
                    lastOutNanos = System.nanoTime(); // restarts the silence countdown
                }
            }

            private Runnable endNow;

            @Override
            public void preStart() {
                listener.started();
                if (errorEvent.isPresent() && end.streams().isPresent()) {
                    akka.stream.stage.AsyncCallback<Done> shutdown = createAsyncCallback(ignored -> shutdownNow());
                    endNow = () -> shutdown.invoke(Done.getInstance());
                    end.streams().get().started(endNow);
                }
                if (heartbeatNanos > 0) {
                    lastOutNanos = System.nanoTime();
                    scheduleOnce(HEARTBEAT, Duration.ofNanos(heartbeatNanos));
                }
            }

            @Override
            public void onTimer(Object key) {
                long silentNanos = System.nanoTime() - lastOutNanos;
                if (silentNanos < heartbeatNanos) {
                    scheduleOnce(HEARTBEAT, Duration.ofNanos(heartbeatNanos - silentNanos)); // output since: wait the rest
                    return;
                }
                // Never inside an event whose rest is on its way, and never past the client's demand.
                if (pending == null && isAvailable(out) && boundary.atBoundary()) send(PING);
                scheduleOnce(HEARTBEAT, Duration.ofNanos(heartbeatNanos));
            }

            /** The shutdown deadline: the client gets a final error event, the upstream is cancelled. */
            private void shutdownNow() {
                if (ended || isClosed(out)) return;
                ByteString event = errorEvent.get().apply(new RelayShutdown());
                cancel(in);
                emit(out, wrap.apply(event), () -> {
                    bytes += event.size();
                    end("shutdown");
                    completeStage();
                });
            }

            @Override
            public void postStop() {
                end("aborted"); // the materializer was shut down under us
            }

            private void end(String outcome) {
                if (ended) return;
                ended = true;
                if (endNow != null) end.streams().get().ended(endNow);
                try {
                    listener.ended(bytes, outcome);
                } finally {
                    end.run();
                }
            }
        };
    }
}
