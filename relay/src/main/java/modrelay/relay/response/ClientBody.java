package modrelay.relay.response;

import modrelay.relay.exchange.BodyListener;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.BodyEnd;
import modrelay.relay.exchange.UpstreamBody;
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
import akka.util.ByteString;
import java.util.Optional;
import java.util.function.Function;

/**
 * The last stage of every streamed response body: counts the bytes the client is sent, turns an
 * upstream failure into a final SSE error event (for event streams), and when the body has ended —
 * completed, failed, or the client went away — tells the exchange's listener how, then runs the
 * exchange's {@link BodyEnd} hooks. One stage doing what a recover, a byte counter and two
 * watchTermination wrappers did before.
 */
public final class ClientBody<Out> extends GraphStage<FlowShape<ByteString, Out>> {

    /** Hears how a body went. Called on the stream's thread: must be quick. */
    private final Inlet<ByteString> in = Inlet.create("ClientBody.in");
    private final Outlet<Out> out = Outlet.create("ClientBody.out");
    private final FlowShape<ByteString, Out> shape = FlowShape.of(in, out);
    private final BodyListener listener;
    private final BodyEnd end;
    private final Optional<Function<Throwable, ByteString>> errorEvent;
    /** What the client's entity is made of, from the bytes; null: nothing to send (an empty chunk). */
    private final Function<ByteString, Out> wrap;

    private ClientBody(BodyListener listener, BodyEnd end, Optional<Function<Throwable, ByteString>> errorEvent,
            Function<ByteString, Out> wrap) {
        this.listener = listener;
        this.end = end;
        this.errorEvent = errorEvent;
        this.wrap = wrap;
    }

    /**
     * @param errorEvent for event streams: the event that ends the stream when the upstream fails (the
     *                   client then completes normally); empty for other bodies, which fail (abort)
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(BodyListener listener, BodyEnd end,
            Optional<Function<Throwable, ByteString>> errorEvent) {
        end.attach();
        return Flow.fromGraph(new ClientBody<>(listener, end, errorEvent, Function.identity()));
    }

    /**
     * As {@link #flow}, for a chunked entity: each chunk of bytes leaves as the chunk the server writes (an empty one
     * is left out, it would end the body). Doing that here spares the stage that
     * {@code HttpEntities.createChunked} adds to every stream for it.
     */
    public static Flow<ByteString, HttpEntity.ChunkStreamPart, NotUsed> chunks(BodyListener listener, BodyEnd end,
            Optional<Function<Throwable, ByteString>> errorEvent) {
        end.attach();
        return Flow.fromGraph(new ClientBody<>(listener, end, errorEvent,
                bytes -> bytes.isEmpty() ? null : HttpEntity.ChunkStreamPart.create(bytes)));
    }

    @Override
    public FlowShape<ByteString, Out> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private long bytes;
            private boolean ended;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        ByteString chunk = grab(in);
                        Out part = wrap.apply(chunk);
                        if (part == null) {
                            pull(in);
                            return;
                        }
                        bytes += chunk.size();
                        push(out, part);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        end("ok");
                        completeStage();
                    }

                    @Override
                    public void onUpstreamFailure(Throwable failure) {
                        if (errorEvent.isEmpty()) {
                            end("aborted");
                            failStage(failure);
                            return;
                        }
                        ByteString event = errorEvent.get().apply(failure);
                        emit(out, wrap.apply(event), () -> {
                            bytes += event.size();
                            end("upstream_error");
                            completeStage();
                        });
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        end("aborted");
                        cancelStage(cause);
                    }
                });
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
