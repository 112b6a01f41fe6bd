package modrelay.relay.upstream;

import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.stream.Materializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UPSTREAM_HTTP2: every exchange goes over an HTTP/2 connection that others share, up to {@code streams} exchanges per
 * connection. A request takes the first connection to its host with room (so the relay keeps as few open as the
 * load needs), or opens one while fewer than {@code max} are open in all. When all are full and no more may be
 * opened, busy is not broken: the request goes on the least busy connection, up to twice {@code streams} on one (past
 * the upstream's own stream limit, Akka holds it until a stream ends). Past that it fails at once with a clear error,
 * as the host pool's full queue does.
 */
final class Http2Connections {
    /** A request that went out, and the connection it is on, to retire when it runs out of time. */
    record Sent(CompletionStage<HttpResponse> response, Http2Connection on) {}

    private final Http http;
    private final ClientConnectionSettings connection;
    private final Materializer mat;
    private final akka.event.LoggingAdapter log;
    private final int max;
    private final int streams;
    private final AtomicInteger open = new AtomicInteger();
    /** Each host's list is guarded by itself; in opening order, so the oldest fill first. */
    private final Map<UpstreamHost, List<Http2Connection>> byHost = new ConcurrentHashMap<>();

    Http2Connections(Http http, ClientConnectionSettings connection, Materializer mat, akka.event.LoggingAdapter log, int max,
            int streams) {
        this.http = http;
        this.connection = connection;
        this.mat = mat;
        this.log = log;
        this.max = max;
        this.streams = streams;
    }

    /** Sends the request (its URI absolute: HTTP/2 takes the authority from it) on a connection with room. */
    Sent send(HttpRequest request) {
        UpstreamHost host = UpstreamHost.of(request.getUri());
        List<Http2Connection> live = byHost.computeIfAbsent(host, h -> new ArrayList<>());
        synchronized (live) {
            for (Http2Connection c : live) {
                CompletionStage<HttpResponse> sent = c.trySend(request, streams);
                if (sent != null) return new Sent(sent, c);
            }
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                return onLeastBusy(live, request);
            }
            Http2Connection c = new Http2Connection(streams, closed -> closed(host, closed));
            // Listed before it starts: its end, which unlists it, can come at once (a refused connect).
            live.add(c);
            c.start(host.connection(http, connection, log), host.https(), mat);
            CompletionStage<HttpResponse> sent = c.trySend(request, streams);
            return sent != null ? new Sent(sent, c) : new Sent(CompletableFuture.failedFuture(
                    new UpstreamFailure.Exception(new UpstreamFailure.ClosedBeforeAnswer())), c);
        }
    }

    /** Called holding {@code live}'s lock, when every connection is full and no more may open. */
    private Sent onLeastBusy(List<Http2Connection> live, HttpRequest request) {
        Http2Connection least = null;
        for (Http2Connection c : live) {
            if (!c.gone() && (least == null || c.exchanges() < least.exchanges())) least = c;
        }
        CompletionStage<HttpResponse> sent = least == null ? null : least.trySend(request, 2 * streams);
        if (sent != null) return new Sent(sent, least);
        return new Sent(CompletableFuture.failedFuture(new UpstreamFailure.Exception(new UpstreamFailure.ConnectFailed(
                "all " + max + " HTTP/2 connections to the upstream are full"))), null);
    }

    private void closed(UpstreamHost host, Http2Connection c) {
        List<Http2Connection> live = byHost.get(host);
        synchronized (live) {
            if (live.remove(c)) open.decrementAndGet();
        }
    }

    /** Closes the connections with no exchange for {@code nanos} or longer. */
    void sweep(long nanos) {
        long now = System.nanoTime();
        for (List<Http2Connection> live : byHost.values()) {
            List<Http2Connection> idle = new ArrayList<>();
            synchronized (live) {
                for (Http2Connection c : live) {
                    if (c.idleLongerThan(nanos, now)) idle.add(c);
                }
            }
            idle.forEach(Http2Connection::retire);
        }
    }

    /** Open HTTP/2 connections, for the metrics. */
    int open() {
        return open.get();
    }
}
