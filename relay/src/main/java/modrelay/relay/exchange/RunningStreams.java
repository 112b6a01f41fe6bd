package modrelay.relay.exchange;

/**
 * Where a running event stream registers how to end it now, so that graceful shutdown can give each
 * stream still open at the deadline a final SSE error event instead of a connection reset.
 */
public interface RunningStreams {
    void started(Runnable endNow);

    void ended(Runnable endNow);
}
