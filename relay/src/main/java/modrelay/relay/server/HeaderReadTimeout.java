package modrelay.relay.server;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import java.time.Duration;

/**
 * On a connection's incoming bytes, below Akka's HTTP parser: a request's headers must have been
 * read within {@code timeout} of the moment the relay started waiting for them (the connection was
 * accepted, or the first byte after the previous exchange arrived); else the connection is closed. A
 * client that trickles its headers a byte at a time (slowloris) holds a connection at most that long;
 * Akka's idle-timeout alone would let it hold one forever, since every byte resets it.
 *
 * <p>Costs nothing per chunk but two volatile reads; one timer per request. A kept-alive connection
 * that is silent between exchanges is not timed here (the server's idle-timeout covers it).
 * Pipelined requests (sent before the previous response was handed to Akka) are timed from their
 * first byte like any other, which can only cut a client that pipelines behind a long stream; the
 * common HTTP/1.1 clients do not pipeline.
 */
final class HeaderReadTimeout extends GraphStage<FlowShape<ByteString, ByteString>> {
    private static final String TIMER = "headers";

    private final Inlet<ByteString> in = Inlet.create("HeaderReadTimeout.in");
    private final Outlet<ByteString> out = Outlet.create("HeaderReadTimeout.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Duration timeout;
    private final ConnectionExchanges exchanges;
    private final Runnable onTimeout;

    HeaderReadTimeout(Duration timeout, ConnectionExchanges exchanges, Runnable onTimeout) {
        this.timeout = timeout;
        this.exchanges = exchanges;
        this.onTimeout = onTimeout;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new TimerGraphStageLogic(shape) {
            private boolean armed;
            private long armedAt;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        if (!armed && exchanges.between()) arm();
                        push(out, grab(in));
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }
                });
            }

            @Override
            public void preStart() {
                arm(); // from the accept: a client that connects and sends nothing is timed too
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
                // Ends the bytes the parser reads and stops reading the socket: the connection closes.
                completeStage();
            }
        };
    }
}
