package modrelay.relay.upstream;

import akka.http.javadsl.Http;
import akka.http.javadsl.OutgoingConnectionBuilder;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.stream.Materializer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every paired connection of the relay: at most {@code max} open at once (past that, requests take the pool, so
 * clients that hold many idle connections cannot take connections from anyone), and the sweep that closes those idle
 * past the keep-alive, as the pool closes its own.
 */
final class PairedConnectionBudget {
    private final Http http;
    private final ClientConnectionSettings connection;
    private final Materializer mat;
    private final akka.event.LoggingAdapter log;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<PairedConnection> live = ConcurrentHashMap.newKeySet();

    PairedConnectionBudget(Http http, ClientConnectionSettings connection, Materializer mat, akka.event.LoggingAdapter log, int max) {
        this.http = http;
        this.connection = connection;
        this.mat = mat;
        this.log = log;
        this.max = max;
    }

    ConnectionPairs forClientConnection() {
        return new ConnectionPairs(this);
    }

    /** A new connection to {@code host}, or null when {@code max} are open. */
    PairedConnection open(UpstreamHost host) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return null;
        }
        OutgoingConnectionBuilder to = host.connection(http, connection, log);
        PairedConnection c = new PairedConnection(this::closed);
        // Listed before it starts: its end, which unlists it, can come at once (a refused connect).
        live.add(c);
        c.start(to, host.https(), mat);
        return c;
    }

    private void closed(PairedConnection c) {
        live.remove(c);
        open.decrementAndGet();
    }

    /** Closes the free connections idle {@code nanos} or longer. */
    void sweep(long nanos) {
        long now = System.nanoTime();
        for (PairedConnection c : live) {
            if (c.idleLongerThan(nanos, now)) c.closeIdle();
        }
    }

    /** Open paired connections, for the metrics. */
    int open() {
        return open.get();
    }
}
