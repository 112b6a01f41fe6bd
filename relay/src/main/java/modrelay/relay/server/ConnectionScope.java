package modrelay.relay.server;

import akka.http.javadsl.model.HttpRequest;

/** What lives as long as one client connection: it sees each of the connection's requests, and is closed with it. */
public interface ConnectionScope {
    ConnectionScope NONE = new ConnectionScope() {
        @Override
        public HttpRequest enter(HttpRequest request) {
            return request;
        }

        @Override
        public void close() {}
    };

    /** A request arrived on the connection; what the handler gets. */
    HttpRequest enter(HttpRequest request);

    /** The connection has closed. */
    void close();
}
