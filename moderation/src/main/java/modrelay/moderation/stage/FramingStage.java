package modrelay.moderation.stage;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import modrelay.moderation.text.DialectEvent;
import modrelay.moderation.text.SentenceFramer;
import modrelay.moderation.text.SentenceFramer.FrameText;
import modrelay.moderation.text.TextPiece;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups events into release units. Events with text collect into an open frame until one of its
 * channels completes a sentence, it reaches {@code maxFrameChars}, an event asks for a flush, the
 * upstream ends, or its first text has waited {@code maxHold} (a timer, hence a custom stage). Events
 * without text join the open frame when there is one (they must not overtake text) and otherwise go
 * out at once.
 *
 * <p>Closed units wait in a small outbox until the moderation stage pulls; a frame closed while the
 * previous one is still waiting there is merged into it (while small) so that sentences that became
 * ready together cost one moderator call. When the outbox is full the stage stops pulling, which
 * backpressures the upstream.
 */
final class FramingStage extends GraphStage<FlowShape<DialectEvent, ReleaseUnit>> {

    private static final int MAX_OUTBOX = 8;
    private static final String HOLD = "hold";

    private final Inlet<DialectEvent> in = Inlet.create("Framing.in");
    private final Outlet<ReleaseUnit> out = Outlet.create("Framing.out");
    private final FlowShape<DialectEvent, ReleaseUnit> shape = FlowShape.of(in, out);
    private final int maxFrameChars;
    private final Duration maxHold;
    private final boolean cutUnreadable;
    private final int contextChars;

    /** @param cutUnreadable end the stream at an unreadable event (fail closed); false passes it as an event without text */
    FramingStage(int maxFrameChars, Duration maxHold, boolean cutUnreadable, int contextChars) {
        this.contextChars = contextChars;
        this.maxFrameChars = maxFrameChars;
        this.maxHold = maxHold;
        this.cutUnreadable = cutUnreadable;
    }

    @Override
    public FlowShape<DialectEvent, ReleaseUnit> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private final Map<String, SentenceFramer> channels = new HashMap<>();
            private final ArrayDeque<ReleaseUnit> outbox = new ArrayDeque<>();
            /** Events of the open frame; empty when no text is pending. */
            private List<DialectEvent> openEvents = new ArrayList<>();
            /** Channels with pending text in the open frame, in order of appearance. */
            private final List<String> openChannels = new ArrayList<>();
            private int openChars;
            private final RepeatLedger ledger = new RepeatLedger();
            /** The upstream ended, or an unreadable event ended the stream: deliver what is left, then complete. */
            private boolean upstreamDone;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        accept(grab(in));
                        deliver();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        upstreamDone = true;
                        closeFrame();
                        deliver();
                    }
                    // onUpstreamFailure: the default fails at once, so pending text is never released.
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        deliver();
                    }
                });
            }

            private void accept(DialectEvent event) {
                if (event.unreadable() && cutUnreadable) {
                    closeFrame(); // text before it is still judged and released in order
                    outbox.addLast(new ReleaseUnit.Unreadable(event));
                    upstreamDone = true;
                    cancel(in);
                    return;
                }
                List<TextPiece> texts = newTexts(event);
                if (texts.isEmpty() && openEvents.isEmpty()) {
                    passThrough(event);
                    return;
                }
                if (openEvents.isEmpty()) scheduleOnce(HOLD, maxHold);
                openEvents.add(event);
                boolean ready = false;
                for (TextPiece piece : texts) {
                    SentenceFramer framer = channels.computeIfAbsent(piece.channel(), c -> new SentenceFramer(maxFrameChars, contextChars));
                    if (!framer.hasPending()) openChannels.add(piece.channel());
                    ready |= framer.append(piece.text());
                    openChars += piece.text().length();
                }
                if (ready || event.flush() || openChars >= maxFrameChars) closeFrame();
            }

            /**
             * The event's new text, plus every whole text it repeats that is not proven equal to what its
             * text stream carried: such a text is judged as new text of its own stream ("=" + name), so a
             * done event or a finished item can never carry text the gate did not see.
             */
            private List<TextPiece> newTexts(DialectEvent event) {
                List<TextPiece> texts = event.texts();
                for (TextPiece piece : texts) ledger.streamed(piece.channel(), piece.text());
                if (event.repeats().isEmpty()) return texts;
                List<TextPiece> out = texts;
                for (TextPiece whole : event.repeats()) {
                    if (ledger.repeats(whole.channel(), whole.text())) continue;
                    ledger.judgedWhole(whole.channel(), whole.text());
                    if (out == texts) out = new ArrayList<>(texts);
                    out.add(new TextPiece("=" + whole.channel(), whole.text()));
                }
                return out;
            }

            private void passThrough(DialectEvent event) {
                if (outbox.peekLast() instanceof ReleaseUnit.Passthrough last) {
                    List<DialectEvent> events = new ArrayList<>(last.events());
                    events.add(event);
                    outbox.pollLast();
                    outbox.addLast(new ReleaseUnit.Passthrough(events));
                } else {
                    outbox.addLast(new ReleaseUnit.Passthrough(List.of(event)));
                }
            }

            private void closeFrame() {
                if (openEvents.isEmpty()) return;
                cancelTimer(HOLD);
                Map<String, FrameText> texts = new LinkedHashMap<>();
                for (String channel : openChannels) texts.put(channel, channels.get(channel).take());
                ReleaseUnit.Frame frame = new ReleaseUnit.Frame(openEvents, texts);
                openEvents = new ArrayList<>();
                openChannels.clear();
                openChars = 0;
                if (outbox.peekLast() instanceof ReleaseUnit.Frame waiting
                        && waiting.freshChars() + frame.freshChars() <= maxFrameChars) {
                    outbox.pollLast();
                    outbox.addLast(waiting.mergedWith(frame));
                } else {
                    outbox.addLast(frame);
                }
            }

            /** Pushes what is ready, completes when all is out, pulls while there is room. */
            private void deliver() {
                if (isAvailable(out) && !outbox.isEmpty()) push(out, outbox.pollFirst());
                if (upstreamDone) {
                    if (outbox.isEmpty() && openEvents.isEmpty()) completeStage();
                } else if (outbox.size() < MAX_OUTBOX && !hasBeenPulled(in)) {
                    pull(in);
                }
            }

            @Override
            public void onTimer(Object key) {
                closeFrame();
                deliver();
            }
        };
    }
}
