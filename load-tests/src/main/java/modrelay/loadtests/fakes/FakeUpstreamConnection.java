package modrelay.loadtests.fakes;

import akka.NotUsed;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.KillSwitches;
import akka.stream.SharedKillSwitch;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One accepted TCP connection. It counts itself open until its request side has ended and every
 * streamed body it started has ended.
 *
 * <p>Why the request side matters: a server that is silent (a stalled stream) never learns
 * that its client left, because only a write fails on a closed socket. But the client's FIN
 * ends the request side at once, and a client that half-closes while a response is streaming
 * has in practice gone away. So, like real servers that watch for EOF, the fake ends that
 * connection's bodies when its request side ends; the relay's cancellation then shows up in
 * {@link FakeUpstream#streamsCancelled()} and {@link FakeUpstream#openConnections()}.
 * ({@code Connection: close} does not end the request side early; Akka keeps it open until
 * the response is written.)
 */
final class FakeUpstreamConnection {
    private final FakeUpstreamCounter openConnections;
    private final FakeUpstreamStreams streams;
    private final SharedKillSwitch clientGone = KillSwitches.shared("fake-upstream-client-gone");
    /** The request side plus every running body; the connection is closed when this reaches zero. */
    private final AtomicInteger busy = new AtomicInteger(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    FakeUpstreamConnection(FakeUpstreamCounter openConnections, FakeUpstreamCounter accepted, FakeUpstreamStreams streams) {
        this.openConnections = openConnections;
        this.streams = streams;
        openConnections.increment();
        accepted.increment();
    }

    /** The request-to-response flow of this connection, served one request at a time. */
    Flow<HttpRequest, HttpResponse, NotUsed> serve(FakeUpstreamHandler handler) {
        return Flow.of(HttpRequest.class)
                .mapAsync(1, request -> handler.handle(request, this))
                .watchTermination((notUsed, requestSideEnded) -> {
                    requestSideEnded.whenComplete((done, failure) -> {
                        // Completes bodies still running (the renderer closes the connection after
                        // them) and cancels their sources, which counts them as cancelled.
                        clientGone.shutdown();
                        release();
                    });
                    return notUsed;
                });
    }

    /** A streamed response body of this connection: counted, and ended when the client goes. */
    Source<ByteString, NotUsed> stream(Source<ByteString, NotUsed> body) {
        return streams.tracked(body)
                .via(new FakeUpstreamBodyWatch(busy::incrementAndGet, reachedEnd -> release()))
                .via(clientGone.flow());
    }

    private void release() {
        // A body materialised after the request side ended may push busy from 0 to 1 and back:
        // the connection is still counted out only once.
        if (busy.decrementAndGet() == 0 && closed.compareAndSet(false, true)) {
            openConnections.decrement();
        }
    }
}
