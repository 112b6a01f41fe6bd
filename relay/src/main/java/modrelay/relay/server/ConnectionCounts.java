package modrelay.relay.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Open connections per client address, with a cap (MAX_CONNECTIONS_PER_IP): one address cannot take
 * all the relay's connections. Addresses {@code exempt} (the TRUSTED_PROXIES, whose connections carry
 * many clients) are counted but never capped. Pure and thread-safe.
 */
public final class ConnectionCounts {
    private final int maxPerAddress;
    private final Predicate<InetAddress> exempt;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    public ConnectionCounts(int maxPerAddress, Predicate<InetAddress> exempt) {
        this.maxPerAddress = maxPerAddress;
        this.exempt = exempt;
    }

    /** Counts a new connection and says whether it may stay; a refused one is not counted (no {@link #closed}). */
    public boolean opened(InetAddress address) {
        AtomicInteger n = open.computeIfAbsent(address, a -> new AtomicInteger());
        if (n.incrementAndGet() <= maxPerAddress || exempt.test(address)) return true;
        closed(address);
        return false;
    }

    /** A counted connection has ended. */
    public void closed(InetAddress address) {
        open.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Open connections from this address (for tests and logs). */
    public int open(InetAddress address) {
        AtomicInteger n = open.get(address);
        return n == null ? 0 : n.get();
    }
}
