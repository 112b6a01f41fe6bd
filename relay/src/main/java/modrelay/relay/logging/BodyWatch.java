package modrelay.relay.logging;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;

/**
 * Passes a response body through unchanged, counting its bytes, and tells how it ended: "ok" when
 * it was sent to its end, "aborted" when it failed or the client went away (watchTermination cannot
 * tell a client that left from a body that ended).
 */
final class BodyWatch extends GraphStage<FlowShape<ByteString, ByteString>> {

    interface Listener {
        void started();

        void ended(long bytes, String outcome);
    }

    private final Inlet<ByteString> in = Inlet.create("BodyWatch.in");
    private final Outlet<ByteString> out = Outlet.create("BodyWatch.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Listener listener;

    BodyWatch(Listener listener) {
        this.listener = listener;
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
                    public void onUpstreamFailure(Throwable ex) {
                        end("aborted");
                        failStage(ex);
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

            @Override
            public void preStart() {
                listener.started();
            }

            @Override
            public void postStop() {
                end("aborted"); // the materializer was shut down under us
            }

            private void end(String outcome) {
                if (ended) return;
                ended = true;
                listener.ended(bytes, outcome);
            }
        };
    }
}
