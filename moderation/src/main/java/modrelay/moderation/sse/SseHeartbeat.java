package modrelay.moderation.sse;

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
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;

import java.time.Duration;

/**
 * Keeps a quiet SSE stream alive: after {@code interval} without output it emits {@code : ping\n\n},
 * which every SSE client ignores. Servers and proxies close idle connections, and a client that went
 * away is only noticed on the next write, so a heartbeat also bounds how long an abandoned stream lives.
 *
 * <p>A ping is only sent when the bytes emitted so far end at an event boundary (a blank line), so it
 * can never land inside an event whose rest is still on its way.
 */
public final class SseHeartbeat extends GraphStage<FlowShape<ByteString, ByteString>> {

    static final ByteString PING = SseWriter.comment("ping");

    private final Inlet<ByteString> in = Inlet.create("SseHeartbeat.in");
    private final Outlet<ByteString> out = Outlet.create("SseHeartbeat.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Duration interval;

    private SseHeartbeat(Duration interval) {
        if (interval.isZero() || interval.isNegative()) throw new IllegalArgumentException("interval must be positive");
        this.interval = interval;
    }

    public static Flow<ByteString, ByteString, NotUsed> flow(Duration interval) {
        return Flow.fromGraph(new SseHeartbeat(interval));
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public Attributes initialAttributes() {
        return Attributes.name("sseHeartbeat");
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private static final String TIMER = "heartbeat";
            /** An upstream element that arrived while a ping used up the downstream demand. */
            private ByteString pending;
            private final EventBoundary boundary = new EventBoundary();

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        ByteString chunk = grab(in);
                        if (isAvailable(out)) emitChunk(chunk);
                        else pending = chunk;
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (pending == null) {
                            completeStage();
                        } else {
                            ByteString last = pending;
                            pending = null;
                            emit(out, last, () -> completeStage());
                        }
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (pending != null) {
                            ByteString chunk = pending;
                            pending = null;
                            emitChunk(chunk);
                        }
                        if (!hasBeenPulled(in) && !isClosed(in)) pull(in);
                    }
                });
            }

            /** When the last bytes went out; the timer is not moved per chunk (that cost a scheduler task per token). */
            private long lastOutNanos;

            @Override
            public void preStart() {
                lastOutNanos = System.nanoTime();
                scheduleOnce(TIMER, interval);
            }

            @Override
            public void onTimer(Object key) {
                long silentNanos = System.nanoTime() - lastOutNanos;
                if (silentNanos < interval.toNanos()) {
                    scheduleOnce(TIMER, Duration.ofNanos(interval.toNanos() - silentNanos)); // output since: wait the rest
                } else if (pending == null && isAvailable(out) && boundary.atBoundary()) {
                    emitChunk(PING);
                    scheduleOnce(TIMER, interval);
                } else {
                    scheduleOnce(TIMER, interval);
                }
            }

            private void emitChunk(ByteString chunk) {
                push(out, chunk);
                boundary.after(chunk);
                lastOutNanos = System.nanoTime(); // restarts the silence countdown
            }
        };
    }

    /** Tracks whether the bytes written so far end with a blank line (LF LF, CR CR, CRLF CRLF, LF CRLF). */
    static final class EventBoundary {
        private int last1 = '\n';
        private int last2 = '\n';
        private int last3 = -1;

        void after(ByteString chunk) {
            int n = chunk.length();
            for (int i = Math.max(0, n - 3); i < n; i++) {
                last3 = last2;
                last2 = last1;
                last1 = chunk.apply(i);
            }
        }

        boolean atBoundary() {
            if (last1 == '\n') return last2 == '\n' || (last2 == '\r' && last3 == '\n') || (last2 == '\r' && last3 == '\r');
            return last1 == '\r' && last2 == '\r';
        }
    }
}
