package modrelay.loadtests.fakes;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import java.util.function.Consumer;

/**
 * A pass-through stage that reports when a body starts and how it ended: {@code true} when its
 * source ran to the end, {@code false} when it was cancelled or failed first. ({@code
 * watchTermination} cannot tell these apart: it completes the same way for both.)
 */
final class FakeUpstreamBodyWatch extends GraphStage<FlowShape<ByteString, ByteString>> {
    private final Inlet<ByteString> in = Inlet.create("FakeUpstreamBodyWatch.in");
    private final Outlet<ByteString> out = Outlet.create("FakeUpstreamBodyWatch.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Runnable onStart;
    private final Consumer<Boolean> onEnd;

    /** @param onEnd called exactly once, with whether the source reached its end */
    FakeUpstreamBodyWatch(Runnable onStart, Consumer<Boolean> onEnd) {
        this.onStart = onStart;
        this.onEnd = onEnd;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
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
                        report(true);
                        completeStage();
                    }

                    @Override
                    public void onUpstreamFailure(Throwable failure) {
                        report(false);
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
                        report(false);
                        cancelStage(cause);
                    }
                });
            }

            @Override
            public void preStart() {
                onStart.run();
            }

            @Override
            public void postStop() {
                report(false); // stopped without either signal, e.g. its actor system went down
            }

            private void report(boolean reachedEnd) {
                if (!reported) {
                    reported = true;
                    onEnd.accept(reachedEnd);
                }
            }
        };
    }
}
