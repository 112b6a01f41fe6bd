package modrelay.relay.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay's open client connections, each as the way to close it: what {@link Edge#closeAll()} closes at the end of a
 * graceful stop. A connection that opens after that is closed at once.
 */
final class OpenConnections {
    private final Set<Runnable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /** @return false when the relay is closing its connections: this one should close now */
    boolean add(Runnable close) {
        open.add(close);
        if (!closing) return true;
        open.remove(close);
        return false;
    }

    void remove(Runnable close) {
        open.remove(close);
    }

    void closeAll() {
        closing = true;
        for (Runnable close : open) close.run();
    }
}
