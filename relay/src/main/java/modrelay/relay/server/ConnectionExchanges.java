package modrelay.relay.server;

/**
 * One connection's count of requests whose headers were read and responses handed to Akka for
 * rendering, written by the connection's handler and read by its {@link ConnectionGuard}: when
 * they are equal the connection is between exchanges, and the next byte starts a request's headers.
 */
final class ConnectionExchanges {
    private volatile long requests;
    private volatile long responses;

    void requestArrived() {
        requests++; // one writer: the connection's handler stage
    }

    /** The handler's answer is ready and goes to Akka next (one at a time: each after the request it answers). */
    void responseOut() {
        responses++;
    }

    long requests() {
        return requests;
    }

    boolean between() {
        return requests == responses;
    }
}
