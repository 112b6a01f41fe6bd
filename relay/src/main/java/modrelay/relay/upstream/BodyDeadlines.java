package modrelay.relay.upstream;

import akka.NotUsed;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import java.time.Duration;

/** IDLE_TIMEOUT between two chunks and the total cap, applied to a response body as it streams. */
public final class BodyDeadlines {
    private BodyDeadlines() {}

    /** Fails the stream with an {@link java.util.concurrent.TimeoutException} subtype when a deadline passes. */
    public static Flow<ByteString, ByteString, NotUsed> flow(Duration idle, Duration remainingTotal) {
        Duration total = remainingTotal.isNegative() || remainingTotal.isZero() ? Duration.ofMillis(1) : remainingTotal;
        return Flow.<ByteString>create().idleTimeout(idle).completionTimeout(total);
    }
}
