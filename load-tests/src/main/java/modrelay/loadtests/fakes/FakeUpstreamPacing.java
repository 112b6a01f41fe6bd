package modrelay.loadtests.fakes;

import akka.NotUsed;
import akka.stream.ThrottleMode;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Lays an SSE body out in time: the opening events at once, then one token event per interval
 * (a timer, never a blocked thread), then the closing events. A stalling pace stops after n
 * token events and keeps the stream open without sending anything, as a hung model would.
 */
final class FakeUpstreamPacing {
    private FakeUpstreamPacing() {}

    /**
     * @param tokenEvents how many token events there are; {@code renderToken} renders the i-th
     *     lazily, so a slow stream holds no pre-rendered bytes
     * @param closing rendered only when the tokens are through
     */
    static Source<ByteString, NotUsed> paced(
            List<ByteString> opening,
            int tokenEvents,
            IntFunction<ByteString> renderToken,
            Supplier<List<ByteString>> closing,
            FakeUpstreamPace pace) {
        int sent = pace.stalls() ? Math.min(pace.stallAfterTokens(), tokenEvents) : tokenEvents;
        Source<ByteString, NotUsed> tokens = sent == 0
                ? Source.empty()
                : Source.range(0, sent - 1).map(renderToken::apply);
        if (!pace.tokenInterval().isZero()) {
            tokens = tokens.throttle(1, pace.tokenInterval(), 1, ThrottleMode.shaping());
        }
        Source<ByteString, NotUsed> ending = pace.stalls()
                ? Source.never()
                : Source.lazySource(() -> Source.from(closing.get()))
                        .mapMaterializedValue(ignored -> NotUsed.getInstance());
        // concatLazy: plain concat materialises (and pulls) the next part at once, which would
        // render the closing events at the start of every stream.
        return Source.from(opening).concatLazy(tokens).concatLazy(ending);
    }
}
