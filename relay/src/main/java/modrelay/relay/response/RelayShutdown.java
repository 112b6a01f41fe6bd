package modrelay.relay.response;

/**
 * Why a stream still running at SHUTDOWN_DEADLINE is ended: handed to the stream's error event
 * ({@link SseErrors}) so the client reads a clear error instead of a connection reset.
 */
public final class RelayShutdown extends RuntimeException {
    public RelayShutdown() {
        super("the relay is shutting down", null, false, false);
    }
}
