package modrelay.loadtests.fakes;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;

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
        return body.via(new FakeUpstreamBodyWatch(
                started::increment,
                reachedEnd -> (reachedEnd ? completed : cancelled).increment()));
    }
}
