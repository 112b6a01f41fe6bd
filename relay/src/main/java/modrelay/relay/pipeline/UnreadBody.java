package modrelay.relay.pipeline;

import akka.Done;
import akka.http.javadsl.model.RequestEntity;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.UpstreamBody;

/**
 * The request body of a refused exchange that nobody read, read and dropped (never held) before the refusal goes
 * out. Akka HTTP closes a connection whose answer is sent before its request has ended, and a client still
 * uploading into a closed connection gets a reset instead of its answer; once the body has ended, the refusal is
 * an ordinary answer on a kept-alive connection. Bounded twice: by MAX_REQUEST_BYTES (a body declared larger is
 * not read at all and its connection closes after the answer) and by the time the relay gives a body to arrive;
 * past either bound the answer goes out anyway.
 */
final class UnreadBody {
    private static final CompletionStage<Done> DONE = CompletableFuture.completedFuture(Done.getInstance());

    private final long maxRequestBytes;
    private final Duration limit;
    private final Materializer materializer;

    UnreadBody(long maxRequestBytes, Duration limit, Materializer materializer) {
        this.maxRequestBytes = maxRequestBytes;
        this.limit = limit;
        this.materializer = materializer;
    }

    /** Completes once the body has ended (or could not be dropped); never fails. */
    CompletionStage<Done> drop(Exchange ex) {
        RequestEntity entity = ex.inbound().http().entity();
        if (entity.isStrict() || ex.inbound().body() instanceof UpstreamBody.Json) return DONE;
        OptionalLong declared = entity.getContentLengthOption();
        if (declared.isPresent() && declared.getAsLong() > maxRequestBytes) return DONE;
        try {
            return entity.withSizeLimit(maxRequestBytes).getDataBytes()
                    .completionTimeout(limit)
                    .runWith(Sink.ignore(), materializer)
                    .handle((done, tooLargeOrTooSlow) -> Done.getInstance());
        } catch (RuntimeException alreadyRead) {
            // the body was read, or is being read (a form watched as it streamed, a read cut short): nothing to drop
            return DONE;
        }
    }
}
