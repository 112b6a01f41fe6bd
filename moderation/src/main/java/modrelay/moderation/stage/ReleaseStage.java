package modrelay.moderation.stage;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.Verdict;
import modrelay.moderation.text.CutWriter;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.DialectEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Release or cut. A unit that passed goes out as the original upstream bytes of its events, one
 * ByteString per unit. A unit that must be cut is replaced by the dialect's cut tail, after which the
 * stage completes: completing cancels everything upstream of it, down to the upstream HTTP request.
 * Tells the listener about every frame and, exactly once, how the response ended.
 */
final class ReleaseStage extends GraphStage<FlowShape<Moderated, ByteString>> {

    private static final Logger log = LoggerFactory.getLogger(ReleaseStage.class);
    private static final Verdict UNREADABLE = new Verdict.Unavailable("unreadable upstream event", "relay");

    private final Inlet<Moderated> in = Inlet.create("Release.in");
    private final Outlet<ByteString> out = Outlet.create("Release.out");
    private final FlowShape<Moderated, ByteString> shape = FlowShape.of(in, out);
    private final Dialect dialect;
    private final ModerationOptions options;
    private final ModerationListener listener;

    ReleaseStage(Dialect dialect, ModerationOptions options, ModerationListener listener) {
        this.dialect = dialect;
        this.options = options;
        this.listener = listener;
    }

    @Override
    public FlowShape<Moderated, ByteString> shape() {
        return shape;
    }

    @Override
    public Attributes initialAttributes() {
        return Attributes.name("moderationRelease");
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private final CutWriter cutWriter = dialect.newCutWriter();
            private final StringBuilder releasedText = new StringBuilder();
            private String finishReason = "";
            private String usageJson = "";
            private boolean cut;
            private boolean ended;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        handle(grab(in));
                    }

                    @Override
                    public void onUpstreamFinish() {
                        end();
                        completeStage();
                    }

                    @Override
                    public void onUpstreamFailure(Throwable ex) {
                        end();
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
                        end();
                        cancelStage(cause);
                    }
                });
            }

            private void handle(Moderated moderated) {
                if (moderated instanceof Moderated.Judged judged) {
                    FrameOutcome outcome = FrameDecision.outcome(judged.verdict(), options);
                    String text = judged.unit().releasedText();
                    onFrame(text, judged.verdict(), outcome);
                    if (FrameDecision.released(outcome)) {
                        releasedText.append(text);
                        release(judged.unit().events());
                    } else {
                        cutOff(judged.unit().events(), outcome == FrameOutcome.CUT_UNAVAILABLE);
                    }
                } else if (moderated instanceof Moderated.Unreadable unreadable) {
                    // not a moderator outage: MODERATION_FAIL=open does not apply to what cannot be read
                    onFrame("", UNREADABLE, FrameOutcome.CUT_UNAVAILABLE);
                    cutOff(unreadable.unit().events(), true);
                } else {
                    release(moderated.unit().events());
                }
            }

            private void onFrame(String text, Verdict verdict, FrameOutcome outcome) {
                try {
                    listener.onFrame(text, verdict, outcome);
                } catch (RuntimeException e) {
                    log.warn("moderation listener failed in onFrame", e);
                }
            }

            private void release(List<DialectEvent> events) {
                ByteStringBuilder bytes = ByteString.createBuilder();
                for (DialectEvent event : events) {
                    bytes.append(event.sse().raw());
                    cutWriter.released(event);
                    if (event.finishReason() != null) finishReason = event.finishReason();
                    if (event.usageJson() != null) usageJson = event.usageJson();
                }
                push(out, bytes.result());
            }

            private void cutOff(List<DialectEvent> withheld, boolean unavailable) {
                for (DialectEvent event : withheld) {
                    // the upstream did send it, even if the client will not see the text it was sent with
                    if (event.usageJson() != null) usageJson = event.usageJson();
                }
                ByteString tail = cutWriter.cut(options.notice(unavailable), withheld);
                cut = true;
                finishReason = "content_filter";
                end();
                push(out, tail);
                completeStage(); // the tail is delivered first; then upstream is cancelled
            }

            private void end() {
                if (ended) return;
                ended = true;
                try {
                    listener.onEnd(new ModerationListener.Summary(releasedText.toString(), cut, finishReason, usageJson));
                } catch (RuntimeException e) {
                    log.warn("moderation listener failed in onEnd", e);
                }
            }

            @Override
            public void postStop() {
                end(); // abrupt termination (materializer shut down) still reports once
            }
        };
    }
}
