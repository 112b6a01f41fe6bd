package modrelay.loadtests.fakes;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches streamed bodies: how many started, ran to their end, or were cancelled before their end
 * (the client or the relay went away). Tests await these to prove that a disconnect reached the
 * upstream.
 */
final class FakeUpstreamStreams {
    final FakeUpstreamCounter started = new FakeUpstreamCounter();
    final FakeUpstreamCounter completed = new FakeUpstreamCounter();
    final FakeUpstreamCounter cancelled = new FakeUpstreamCounter();

    Source<ByteString, NotUsed> tracked(Source<ByteString, NotUsed> body) {
        AtomicBoolean reachedEnd = new AtomicBoolean();
        // Runs only when the body itself has completed and the server asks for more: the end was written.
        Source<ByteString, NotUsed> endMarker = Source.lazySource(() -> {
                    reachedEnd.set(true);
                    return Source.<ByteString>empty();
                })
                .mapMaterializedValue(ignored -> NotUsed.getInstance());
        return body.concat(endMarker).watchTermination((notUsed, termination) -> {
            started.increment();
            // A cancelled stream may end with success or with a failure depending on the cause;
            // only whether the end was reached tells completion from cancellation.
            termination.whenComplete((done, failure) -> (reachedEnd.get() ? completed : cancelled).increment());
            return notUsed;
        });
    }
}
