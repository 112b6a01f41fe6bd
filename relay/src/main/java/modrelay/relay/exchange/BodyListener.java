package modrelay.relay.exchange;

/** Hears how one response body went to the client: when it started and how it ended (the access line, metrics). */
public interface BodyListener {
    void started();

    /**
     * @param outcome "ok" (sent to its end), "upstream_error" (ended with an SSE error event), "shutdown" (ended
     *                with an SSE error event at the shutdown deadline) or "aborted"
     */
    void ended(long bytes, String outcome);
}
