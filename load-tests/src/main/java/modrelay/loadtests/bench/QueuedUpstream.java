package modrelay.loadtests.bench;

import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.BoundedSourceQueue;
import akka.stream.Materializer;
import akka.stream.QueueOfferResult;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One upstream connection for one client connection, fed request by request through a queue (BareProxy's queued mode). */
final class QueuedUpstream {
    private final BoundedSourceQueue<HttpRequest> queue;
    private final ArrayDeque<CompletableFuture<HttpResponse>> waiting = new ArrayDeque<>();

    QueuedUpstream(Http http, String host, int port, Materializer mat) {
        queue = Source.<HttpRequest>queue(4)
                .via(http.connectionTo(host).toPort(port).http())
                .to(Sink.<HttpResponse>foreach(this::arrived).mapMaterializedValue(done -> {
                    done.whenComplete((d, e) -> failAll(e == null ? new IllegalStateException("connection closed") : e));
                    return done;
                }))
                .run(mat);
    }

    CompletionStage<HttpResponse> send(HttpRequest request) {
        CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.add(answer);
            if (queue.offer(request) != QueueOfferResult.enqueued()) {
                waiting.removeLast();
                answer.completeExceptionally(new IllegalStateException("upstream connection busy or closed"));
            }
        }
        return answer;
    }

    private void arrived(HttpResponse response) {
        CompletableFuture<HttpResponse> head;
        synchronized (waiting) {
            head = waiting.poll();
        }
        if (head != null) head.complete(response);
    }

    private void failAll(Throwable e) {
        synchronized (waiting) {
            waiting.forEach(f -> f.completeExceptionally(e));
            waiting.clear();
        }
    }

    void close() {
        queue.complete();
    }
}
