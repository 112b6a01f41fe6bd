package modrelay.moderation.sse;

/** An upstream SSE event grew beyond the configured limit; the stream is failed rather than buffered forever. */
public final class SseEventTooLargeException extends RuntimeException {

    public SseEventTooLargeException(int limitBytes) {
        super("SSE event larger than " + limitBytes + " bytes");
    }
}
