package modrelay.relay.upstream;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * Passes a body (its bytes or its chunks) through and reports once how it ended: null when its source ran to the end,
 * else the failure or the cancellation. ({@code watchTermination} completes the same way for an end and a
 * cancellation, and a connection whose body was cut is not one to send on again.)
 */
final class BodyEndWatch<T> extends GraphStage<FlowShape<T, T>> {
    private final Inlet<T> in = Inlet.create("BodyEndWatch.in");
    private final Outlet<T> out = Outlet.create("BodyEndWatch.out");
    private final FlowShape<T, T> shape = FlowShape.of(in, out);
    private final Consumer<Throwable> ended;

    BodyEndWatch(Consumer<Throwable> ended) {
        this.ended = ended;
    }

    @Override
    public FlowShape<T, T> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private boolean reported;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        push(out, grab(in));
                    }

                    @Override
                    public void onUpstreamFinish() {
                        report(null);
                        completeStage();
                    }

                    @Override
                    public void onUpstreamFailure(Throwable failure) {
                        report(failure);
                        failStage(failure);
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        report(cause != null ? cause : new CancellationException("body cancelled"));
                        cancelStage(cause);
                    }
                });
            }

            @Override
            public void postStop() {
                // Stopped without either (the materializer shut down): not an end.
                report(new CancellationException("body stopped"));
            }

            private void report(Throwable how) {
                if (reported) return;
                reported = true;
                ended.accept(how);
            }
        };
    }
}
