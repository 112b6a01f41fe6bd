package modrelay.relay.upstream;

import akka.http.javadsl.model.AttributeKey;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The upstream connections paired with one client connection, one per upstream host, carried on each of its requests
 * as an attribute. Pairing starts with the connection's second request: a client that sends one request per
 * connection (most streams) stays on the pool and opens no connection of its own.
 */
public final class ConnectionPairs {
    public static final AttributeKey<ConnectionPairs> KEY = AttributeKey.create("modrelay-connection-pairs", ConnectionPairs.class);

    /** A request sent on a paired connection, and the connection, to close when the request runs out of time. */
    record Sent(CompletionStage<HttpResponse> response, PairedConnection on) {}

    private final PairedConnectionBudget budget;
    // Guarded by this. Usually one entry: the requests of one client connection mostly go to one upstream.
    private final Map<UpstreamHost, PairedConnection> byHost = new HashMap<>(2);
    private int requests;
    private boolean closed;

    ConnectionPairs(PairedConnectionBudget budget) {
        this.budget = budget;
    }

    /** The pairs of the client connection this request came on, if the relay's edge gave it any. */
    public static Optional<ConnectionPairs> of(HttpRequest clientRequest) {
        return clientRequest == null ? Optional.empty() : clientRequest.getAttribute(KEY);
    }

    /** A request arrived on the client connection: it carries the pairs from now on. */
    public HttpRequest enter(HttpRequest request) {
        synchronized (this) {
            requests++;
        }
        return request.addAttribute(KEY, this);
    }

    /**
     * Sends the request (its URI absolute) on this client connection's own connection to its host (opening one if it
     * has none and the budget allows), or returns empty, having sent nothing: the pool serves it then.
     */
    Optional<Sent> trySend(HttpRequest request, long keepAliveNanos) {
        PairedConnection connection;
        UpstreamHost host;
        HttpRequest relative;
        synchronized (this) {
            if (closed || requests < 2) return Optional.empty();
            host = UpstreamHost.of(request.getUri());
            relative = request.withUri(request.getUri().toRelative());
            connection = byHost.get(host);
            if (connection != null) {
                CompletionStage<HttpResponse> sent = connection.trySend(relative, keepAliveNanos);
                if (sent != null) return Optional.of(new Sent(sent, connection));
                if (!connection.gone()) return Optional.empty(); // taken (a race of attempts, a pipelined request)
                byHost.remove(host);
            }
            connection = budget.open(host);
            if (connection == null) return Optional.empty();
            byHost.put(host, connection);
        }
        CompletionStage<HttpResponse> sent = connection.trySend(relative, keepAliveNanos);
        return sent == null ? Optional.empty() : Optional.of(new Sent(sent, connection));
    }

    /** The client connection has closed: so are its pairs. */
    public void close() {
        Map<UpstreamHost, PairedConnection> open;
        synchronized (this) {
            closed = true;
            open = Map.copyOf(byHost);
            byHost.clear();
        }
        open.values().forEach(PairedConnection::release);
    }
}
