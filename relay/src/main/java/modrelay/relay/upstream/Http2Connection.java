package modrelay.relay.upstream;

import akka.http.javadsl.OutgoingConnectionBuilder;
import akka.http.javadsl.model.HttpProtocols;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.AttributeKey;
import akka.stream.BoundedSourceQueue;
import akka.stream.Materializer;
import akka.stream.QueueOfferResult;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One HTTP/2 connection to an upstream host, shared by up to {@code maxStreams} exchanges at once. An exchange counts
 * from its request until its response body has ended (read, cut or cancelled: cancelling a body resets its HTTP/2
 * stream, which is how a cut stream cancels the upstream's work without touching the other streams).
 *
 * <p>The connection is not Akka's managed persistent one on purpose: that one answers the requests that were on a
 * broken connection with a 502 of its own making, which a client could not tell from the upstream's, and retries
 * connects for ever, so a request to a host that is down would wait for its whole deadline. Here a connection that
 * ends fails the exchanges still waiting for their headers with the failures the retry policy knows (closed before
 * answering, connect failed), and the next request opens a new one.
 */
final class Http2Connection {
    /**
     * Takes a request's answer to its response (Akka's HTTP/2 client copies attributes of this type from the one to the
     * other). Not Akka's {@code ResponseFuture}: Akka keeps the request, and so its attributes, while the stream runs,
     * and a future completed with the response would keep the response, its entity and the entity's unmaterialized
     * graph alive as long. This lets go of the future once the answer is delivered.
     */
    private static final class Answer implements akka.http.scaladsl.model.RequestResponseAssociation {
        private CompletableFuture<HttpResponse> future;

        Answer(CompletableFuture<HttpResponse> future) {
            this.future = future;
        }

        /** The future, once: null after the first call. */
        synchronized CompletableFuture<HttpResponse> take() {
            CompletableFuture<HttpResponse> f = future;
            future = null;
            return f;
        }
    }

    private static final AttributeKey<Answer> ANSWER = AttributeKey.create("modrelay-http2-answer", Answer.class);

    private final Consumer<Http2Connection> onClosed;
    private final int maxStreams;
    private BoundedSourceQueue<HttpRequest> requests;
    private Materializer mat;
    // Guarded by this.
    private final Set<Answer> waiting = new HashSet<>();
    private int exchanges;
    private boolean closed;
    /** Takes no more requests; closes once its exchanges have ended. */
    private boolean retired;
    private long idleSince;

    /** {@code onClosed} runs once, when the connection has ended. */
    Http2Connection(int maxStreams, Consumer<Http2Connection> onClosed) {
        this.maxStreams = maxStreams;
        this.onClosed = onClosed;
    }

    /** Connects; requests offered before the connection is up wait in its queue. */
    synchronized void start(OutgoingConnectionBuilder to, boolean https, Materializer mat) {
        this.mat = mat;
        this.idleSince = System.nanoTime();
        // Room for the exchanges past maxStreams that Http2Connections puts on a connection when no other may open.
        var materialized = Source.<HttpRequest>queue(2 * maxStreams)
                .via(https ? to.http2() : to.http2WithPriorKnowledge())
                .toMat(Sink.foreach(this::arrived), Keep.both())
                .run(mat);
        this.requests = materialized.first();
        // On the stream dispatcher: a converted Akka future would run a plain whenComplete on the common pool.
        materialized.second().whenCompleteAsync((done, error) -> ended(error), mat.executionContext());
    }

    /**
     * Sends the request and completes with the response once its headers arrived, or returns null, having sent nothing,
     * when this connection carries {@code limit} exchanges already or takes no more.
     */
    CompletionStage<HttpResponse> trySend(HttpRequest request, int limit) {
        CompletableFuture<HttpResponse> future;
        synchronized (this) {
            if (retired || closed || exchanges >= limit) return null;
            // Made only once the connection has room: a request may try every full connection of its host first.
            future = new CompletableFuture<>();
            Answer answer = new Answer(future);
            if (requests.offer(request.addAttribute(ANSWER, answer)) != QueueOfferResult.enqueued()) {
                retired = true;
                return null;
            }
            exchanges++;
            waiting.add(answer);
        }
        return future;
    }

    /** Exchanges on it now, for the choice of a connection and the metrics. */
    synchronized int exchanges() {
        return exchanges;
    }

    synchronized boolean gone() {
        return retired || closed;
    }

    /** No exchange on it for {@code nanos} or longer (from {@code now}): for the sweep of idle connections. */
    synchronized boolean idleLongerThan(long nanos, long now) {
        return exchanges == 0 && !retired && !closed && now - idleSince >= nanos;
    }

    /**
     * Takes no more requests and closes once its exchanges have ended. Also used when an exchange on it ran out of time
     * before its headers: HTTP/2 cannot cancel a request that has no response yet, so its stream may stay open until the
     * connection closes, and new requests should not share a connection with a stream that hangs.
     */
    void retire() {
        synchronized (this) {
            retired = true;
            if (exchanges > 0 || closed) return;
        }
        requests.complete();
    }

    private void arrived(HttpResponse response) {
        Answer association = response.getAttribute(ANSWER).orElse(null);
        synchronized (this) {
            if (association != null) waiting.remove(association);
        }
        CompletableFuture<HttpResponse> answer = association == null ? null : association.take();
        // The relay's client side speaks HTTP/1.1: Akka's server renders only the protocols it speaks itself.
        HttpResponse watched = EntityEnd.watch(response.withProtocol(HttpProtocols.HTTP_1_1), this::bodyEnded);
        // No one waits (its deadline passed): cancel the body, which resets this stream only.
        if (answer == null || !answer.complete(watched)) {
            watched.entity().getDataBytes().runWith(Sink.cancelled(), mat);
        }
    }

    private void bodyEnded(Throwable error) {
        boolean close;
        synchronized (this) {
            exchanges--;
            if (exchanges == 0) idleSince = System.nanoTime();
            close = exchanges == 0 && retired && !closed;
        }
        if (close) requests.complete();
    }

    private void ended(Throwable error) {
        List<Answer> unanswered;
        synchronized (this) {
            if (closed) return;
            closed = true;
            unanswered = new ArrayList<>(waiting);
            waiting.clear();
        }
        // Before any response headers: the failure the retry policy knows for a connection the upstream closed.
        Throwable why = error != null ? error : new UpstreamFailure.Exception(new UpstreamFailure.ClosedBeforeAnswer());
        for (Answer answer : unanswered) {
            CompletableFuture<HttpResponse> future = answer.take();
            if (future != null) future.completeExceptionally(why);
        }
        onClosed.accept(this);
    }
}
