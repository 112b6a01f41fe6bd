package modrelay.moderation.sse;

import akka.NotUsed;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;

import java.util.List;
import java.util.Optional;

/** Upstream SSE bytes to {@link SseEvent}s, whatever the TCP chunking. */
public final class SseParser {

    private SseParser() {}

    /**
     * LF, CRLF and CR line ends; an unterminated last event is emitted when the stream ends. Fails the
     * stream with {@link SseEventTooLargeException} only when one event exceeds {@code maxEventBytes}.
     */
    public static Flow<ByteString, SseEvent, NotUsed> flow(int maxEventBytes) {
        if (maxEventBytes <= 0) throw new IllegalArgumentException("maxEventBytes must be positive");
        // statefulMap's completion hook flushes the unterminated last event; no timer is needed here.
        return Flow.of(ByteString.class)
                .<SseDecoder, List<SseEvent>>statefulMap(
                        () -> new SseDecoder(maxEventBytes),
                        (decoder, chunk) -> akka.japi.Pair.create(decoder, decoder.feed(chunk)),
                        decoder -> {
                            List<SseEvent> rest = decoder.finish();
                            return rest.isEmpty() ? Optional.empty() : Optional.of(rest);
                        })
                .mapConcat(events -> events)
                .named("sseParser");
    }
}
