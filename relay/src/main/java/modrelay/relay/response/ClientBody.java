package modrelay.relay.response;

import modrelay.relay.exchange.BodyListener;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.BodyEnd;
import modrelay.relay.exchange.UpstreamBody;
import akka.Done;
import akka.NotUsed;
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
public final class ClientBody extends GraphStage<FlowShape<ByteString, ByteString>> {

    /** Hears how a body went. Called on the stream's thread: must be quick. */
    private final Inlet<ByteString> in = Inlet.create("ClientBody.in");
    private final Outlet<ByteString> out = Outlet.create("ClientBody.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final BodyListener listener;
    private final BodyEnd end;
    private final Optional<Function<Throwable, ByteString>> errorEvent;

    private ClientBody(BodyListener listener, BodyEnd end, Optional<Function<Throwable, ByteString>> errorEvent) {
        this.listener = listener;
        this.end = end;
        this.errorEvent = errorEvent;
    }

    /**
     * @param errorEvent for event streams: the event that ends the stream when the upstream fails (the
     *                   client then completes normally); empty for other bodies, which fail (abort)
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(BodyListener listener, BodyEnd end,
            Optional<Function<Throwable, ByteString>> errorEvent) {
        end.attach();
        return Flow.fromGraph(new ClientBody(listener, end, errorEvent));
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
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
                        bytes += chunk.size();
                        push(out, chunk);
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
                        emit(out, event, () -> {
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
                emit(out, event, () -> {
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
