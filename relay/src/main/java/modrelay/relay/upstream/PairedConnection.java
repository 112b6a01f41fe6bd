package modrelay.relay.upstream;

import akka.http.javadsl.OutgoingConnectionBuilder;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.BoundedSourceQueue;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.QueueOfferResult;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One upstream connection that serves one client connection, one exchange at a time: the request goes straight onto
 * it, with none of the host pool's hand-offs. Used only while it is free (the previous response's body has ended) and
 * was idle less than the keep-alive; otherwise the caller takes the pool. Whatever goes wrong (the upstream closed
 * it, a body was cut, an answer came late) closes it, and the next request gets a new one.
 */
final class PairedConnection {
    private final java.util.function.Consumer<PairedConnection> onClosed;
    private BoundedSourceQueue<HttpRequest> requests;
    private UniqueKillSwitch kill;
    private Materializer mat;
    // Guarded by this: at most one exchange at a time.
    private CompletableFuture<HttpResponse> waiting;
    private boolean busy;
    private boolean closed;
    /** Set once it is being closed: the stream's end, which sets {@code closed}, comes later. */
    private boolean retired;
    private long idleSince;

    /** {@code onClosed} runs once, when the connection has ended. */
    PairedConnection(java.util.function.Consumer<PairedConnection> onClosed) {
        this.onClosed = onClosed;
    }

    /** Opens the connection (TCP connects at once; the first request waits in the queue until it has). */
    synchronized void start(OutgoingConnectionBuilder to, boolean https, Materializer mat) {
        this.mat = mat;
        this.idleSince = System.nanoTime();
        var materialized = Source.<HttpRequest>queue(2)
                .viaMat(KillSwitches.single(), Keep.both())
                .via(https ? to.https() : to.http())
                .toMat(Sink.foreach(this::arrived), Keep.both())
                .run(mat);
        this.requests = materialized.first().first();
        this.kill = materialized.first().second();
        // On the stream dispatcher: a converted Akka future would run a plain whenComplete on the common pool.
        materialized.second().whenCompleteAsync((done, error) -> ended(error), mat.executionContext());
    }

    /**
     * Sends the request (its URI relative) and completes with the response, or returns null, having sent nothing,
     * when this connection is taken or {@link #gone()}. One idle {@code keepAliveNanos} or longer is closed, not used:
     * the upstream may be closing it already.
     */
    CompletionStage<HttpResponse> trySend(HttpRequest request, long keepAliveNanos) {
        CompletableFuture<HttpResponse> answer;
        synchronized (this) {
            if (retired || closed || busy) return null;
            if (System.nanoTime() - idleSince >= keepAliveNanos) {
                closeIdle();
                return null;
            }
            if (requests.offer(request) != QueueOfferResult.enqueued()) {
                retired = true;
                return null;
            }
            busy = true;
            answer = new CompletableFuture<>();
            waiting = answer;
        }
        return answer;
    }

    /** Closed, or being closed: it takes no more requests. */
    synchronized boolean gone() {
        return retired || closed;
    }

    /** Free and idle this long (nanoseconds, from {@code now}): for the sweep of idle connections. */
    synchronized boolean idleLongerThan(long nanos, long now) {
        return !busy && !retired && !closed && now - idleSince >= nanos;
    }

    /** Closes it if nothing is on it (idle past the keep-alive); one in use stays. */
    synchronized void closeIdle() {
        if (busy) return;
        retired = true;
        requests.complete();
    }

    /**
     * The client connection it served has gone: it takes no more requests and closes once free. An exchange on it runs
     * on, as it would on the pool (its body is cut when it meets the closed client connection): cutting it before its
     * answer would look like an upstream that closed, which the relay retries, for a client that is no longer there.
     */
    synchronized void release() {
        retired = true;
        if (!busy) requests.complete();
    }

    /** Closes it now, with whatever is on it: an exchange that ran out of time, or a body that was cut. */
    void abort() {
        synchronized (this) {
            retired = true;
        }
        kill.abort(new UpstreamFailure.Exception(new UpstreamFailure.ClosedBeforeAnswer()));
    }

    private void arrived(HttpResponse response) {
        CompletableFuture<HttpResponse> answer;
        synchronized (this) {
            answer = waiting;
            waiting = null;
            // The upstream closes it after this response: do not send on it in the meantime.
            if (closesAfter(response)) retired = true;
        }
        HttpResponse watched = EntityEnd.watch(response, this::bodyEnded);
        // No one waits (its deadline passed): cut the body, which closes this connection.
        if (answer == null || !answer.complete(watched)) {
            watched.entity().getDataBytes().runWith(Sink.cancelled(), mat);
        }
    }

    private void bodyEnded(Throwable error) {
        if (error != null) {
            abort();
            return;
        }
        synchronized (this) {
            busy = false;
            idleSince = System.nanoTime();
            if (retired) requests.complete();
        }
    }

    private static boolean closesAfter(HttpResponse response) {
        return !response.protocol().equals(akka.http.javadsl.model.HttpProtocols.HTTP_1_1)
                || response.getHeader("Connection").map(h -> h.value().toLowerCase(java.util.Locale.ROOT).contains("close"))
                        .orElse(false);
    }

    private void ended(Throwable error) {
        CompletableFuture<HttpResponse> answer;
        synchronized (this) {
            if (closed) return;
            closed = true;
            answer = waiting;
            waiting = null;
        }
        if (answer != null) {
            // Before any response: the same failure the pool reports for a connection the upstream closed.
            answer.completeExceptionally(error != null ? error : new UpstreamFailure.Exception(new UpstreamFailure.ClosedBeforeAnswer()));
        }
        onClosed.accept(this);
    }
}
