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
 * text streams completes a sentence (or ends a chunk on a {@code .!?} that may end one: see
 * {@link SentenceFramer}), it reaches {@code maxFrameChars}, an event asks for a flush, the
 * upstream ends, or its first text has waited {@code maxHold} (a timer, hence a custom stage). Events
 * without text join the open frame when there is one (they must not overtake text) and otherwise go
 * out at once. Whole texts that an event repeats are checked against what their text stream carried
 * ({@link RepeatLedger}); what they add is framed as new text.
 *
 * <p>Closed units wait in a small outbox until the moderation stage pulls; a frame closed while the
 * previous one is still waiting there is merged into it (while small) so that sentences that became
 * ready together cost one moderator call.
 *
 * <p>Bounded: the stage holds at most {@code maxEvents} events and about {@code maxBytes} bytes (one event
 * more at most) in its open frame and outbox together, and no unit holds more than a quarter of either,
 * so the mapAsync after it holds a bounded amount too. When full it stops pulling, which backpressures
 * the upstream, text or no text: a client that reads nothing holds the upstream still.
 */
final class FramingStage extends GraphStage<FlowShape<DialectEvent, ReleaseUnit>> {

    static final int DEFAULT_MAX_EVENTS = 256;
    static final long DEFAULT_MAX_BYTES = 256 * 1024;
    private static final int MAX_OUTBOX = 8;
    private static final String HOLD = "hold";

    private final Inlet<DialectEvent> in = Inlet.create("Framing.in");
    private final Outlet<ReleaseUnit> out = Outlet.create("Framing.out");
    private final FlowShape<DialectEvent, ReleaseUnit> shape = FlowShape.of(in, out);
    private final int maxFrameChars;
    private final Duration maxHold;
    private final boolean cutUnreadable;
    private final int contextChars;
    private final int maxEvents;
    private final long maxBytes;
    private final BufferGauge gauge;

    /** @param cutUnreadable end the stream at an unreadable event (fail closed); false passes it as an event without text */
    FramingStage(int maxFrameChars, Duration maxHold, boolean cutUnreadable, int contextChars) {
        this(maxFrameChars, maxHold, cutUnreadable, contextChars, DEFAULT_MAX_EVENTS, DEFAULT_MAX_BYTES, new BufferGauge());
    }

    FramingStage(int maxFrameChars, Duration maxHold, boolean cutUnreadable, int contextChars,
                 int maxEvents, long maxBytes, BufferGauge gauge) {
        if (maxEvents < 4 || maxBytes < 4) throw new IllegalArgumentException("the buffer bounds must be at least 4");
        this.maxFrameChars = maxFrameChars;
        this.maxHold = maxHold;
        this.cutUnreadable = cutUnreadable;
        this.contextChars = contextChars;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.gauge = gauge;
    }

    @Override
    public FlowShape<DialectEvent, ReleaseUnit> shape() {
        return shape;
    }

    @Override
    public Attributes initialAttributes() {
        return Attributes.name("moderationFraming");
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private final int unitMaxEvents = maxEvents / 4;
            private final long unitMaxBytes = maxBytes / 4;
            private final Map<String, SentenceFramer> channels = new HashMap<>();
            private final ArrayDeque<ReleaseUnit> outbox = new ArrayDeque<>();
            /** Events of the open frame; empty when no text is pending. */
            private List<DialectEvent> openEvents = new ArrayList<>();
            private long openBytes;
            /** Text streams with pending text in the open frame, in order of appearance. */
            private final List<String> openChannels = new ArrayList<>();
            private int openChars;
            private final RepeatLedger ledger = new RepeatLedger();
            /** Events and bytes held (open frame and outbox). */
            private int heldEvents;
            private long heldBytes;
            private boolean wasFull;
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

            @Override
            public void preStart() {
                deliver(); // read ahead up to the bounds before the client asks: framing and moderation start early
            }

            private void accept(DialectEvent event) {
                heldEvents++;
                heldBytes += event.sse().raw().length();
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
                openBytes += event.sse().raw().length();
                boolean ready = false;
                for (TextPiece piece : texts) {
                    SentenceFramer framer = channels.computeIfAbsent(piece.channel(), c -> new SentenceFramer(maxFrameChars, contextChars));
                    if (!framer.hasPending()) openChannels.add(piece.channel());
                    ready |= framer.append(piece.text());
                    openChars += piece.text().length();
                }
                if (ready || event.flush() || openChars >= maxFrameChars
                        || openEvents.size() >= unitMaxEvents || openBytes >= unitMaxBytes) {
                    closeFrame();
                }
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
                if (outbox.peekLast() instanceof ReleaseUnit.Passthrough last
                        && last.events().size() < unitMaxEvents && last.bytes() < unitMaxBytes) {
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
                openBytes = 0;
                openChannels.clear();
                openChars = 0;
                if (outbox.peekLast() instanceof ReleaseUnit.Frame waiting
                        && waiting.freshChars() + frame.freshChars() <= maxFrameChars
                        && waiting.events().size() + frame.events().size() <= unitMaxEvents
                        && waiting.bytes() + frame.bytes() <= unitMaxBytes) {
                    outbox.pollLast();
                    outbox.addLast(waiting.mergedWith(frame));
                } else {
                    outbox.addLast(frame);
                }
            }

            /** Pushes what is ready, completes when all is out, pulls while there is room. */
            private void deliver() {
                if (isAvailable(out) && !outbox.isEmpty()) {
                    ReleaseUnit unit = outbox.pollFirst();
                    heldEvents -= unit.events().size();
                    heldBytes -= unit.bytes();
                    push(out, unit);
                }
                gauge.holding(heldEvents, heldBytes);
                if (upstreamDone) {
                    if (outbox.isEmpty() && openEvents.isEmpty()) completeStage();
                    return;
                }
                boolean full = outbox.size() >= MAX_OUTBOX || heldEvents >= maxEvents || heldBytes >= maxBytes;
                if (full) {
                    // a full open frame must not wait for its hold timer while nothing else can come in
                    if (!openEvents.isEmpty() && outbox.isEmpty()) {
                        closeFrame();
                        if (isAvailable(out)) {
                            deliver();
                            return;
                        }
                    }
                    if (!wasFull) gauge.full();
                    wasFull = true;
                } else {
                    wasFull = false;
                    if (!hasBeenPulled(in)) pull(in);
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
