package modrelay.relay.server;

import akka.Done;
import akka.stream.Attributes;
import akka.stream.BidiShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The one stage of the relay's own on each client connection, below Akka's HTTP parser. It does three things, in one
 * stage because every open stream holds its connection, and each stage costs every one of them its state:
 *
 * <ul>
 *   <li><b>Header-read timeout.</b> A request's headers must have been read within {@code timeout} of the moment the
 *   relay started waiting for them (the connection was accepted, or the first byte after the previous exchange
 *   arrived); else the connection is closed. A client that trickles its headers a byte at a time (slowloris) holds a
 *   connection at most that long; Akka's idle-timeout alone would let it hold one forever, since every byte resets it.
 *   Costs nothing per chunk but two volatile reads; one timer per request. A kept-alive connection that is silent
 *   between exchanges is not timed here (the server's idle-timeout covers it). Pipelined requests (sent before the
 *   previous response was handed to Akka) are timed from their first byte like any other, which can only cut a client
 *   that pipelines behind a long stream; the common HTTP/1.1 clients do not pipeline.</li>
 *   <li><b>Close on shutdown.</b> It is registered with {@link OpenConnections} while it runs, and closes the
 *   connection when the relay closes them all (what a shared kill switch did).</li>
 *   <li><b>The connection's end.</b> {@code ended} completes once the connection has closed, however it closed (what
 *   {@code watchTermination} did).</li>
 * </ul>
 */
final class ConnectionGuard extends GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>> {
    private static final String TIMER = "headers";

    /** Bytes from the relay (Akka's renderer) to the client. */
    private final Inlet<ByteString> fromRelay = Inlet.create("ConnectionGuard.fromRelay");
    private final Outlet<ByteString> toClient = Outlet.create("ConnectionGuard.toClient");
    /** Bytes from the client to the relay (Akka's parser). */
    private final Inlet<ByteString> fromClient = Inlet.create("ConnectionGuard.fromClient");
    private final Outlet<ByteString> toRelay = Outlet.create("ConnectionGuard.toRelay");
    private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
            BidiShape.of(fromRelay, toClient, fromClient, toRelay);
    private final Duration timeout;
    private final ConnectionExchanges exchanges;
    private final Runnable onTimeout;
    private final OpenConnections open;
    private final CompletableFuture<Done> ended;

    ConnectionGuard(Duration timeout, ConnectionExchanges exchanges, Runnable onTimeout, OpenConnections open,
            CompletableFuture<Done> ended) {
        this.timeout = timeout;
        this.exchanges = exchanges;
        this.onTimeout = onTimeout;
        this.open = open;
        this.ended = ended;
    }

    @Override
    public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private boolean armed;
            private long armedAt;

            {
                setHandler(fromClient, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        if (!armed && exchanges.between()) arm();
                        push(toRelay, grab(fromClient));
                    }
                });
                setHandler(toRelay, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(fromClient);
                    }
                });
                setHandler(fromRelay, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        push(toClient, grab(fromRelay));
                    }
                });
                setHandler(toClient, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(fromRelay);
                    }
                });
            }

            private Runnable close;

            @Override
            public void preStart() {
                AsyncCallback<Done> closing = createAsyncCallback(done -> completeStage());
                close = () -> closing.invoke(Done.getInstance());
                if (!open.add(close)) {
                    completeStage();
                    return;
                }
                arm(); // from the accept: a client that connects and sends nothing is timed too
            }

            @Override
            public void postStop() {
                open.remove(close);
                ended.complete(Done.getInstance());
            }

            private void arm() {
                armed = true;
                armedAt = exchanges.requests();
                scheduleOnce(TIMER, timeout);
            }

            @Override
            public void onTimer(Object key) {
                armed = false;
                if (exchanges.requests() != armedAt) return; // the headers arrived in time
                onTimeout.run();
                // Completing the bytes towards the client closes the socket (no half-close); the parser's input ends too.
                completeStage();
            }
        };
    }
}
