package modrelay.relay.upstream;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every key pool of the relay, by upstream name, as the router and RelayServer start them: what the
 * admin API lists and re-enables, and what metrics publish. Written at start and when upstreams change live.
 */
public final class UpstreamKeys {
    /** One upstream's pool. */
    public record Pool(String upstream, KeyPoolClient client) {}

    private final List<Pool> pools = new CopyOnWriteArrayList<>();

    /** A pool for an upstream that had one (its keys changed live) replaces it. */
    public synchronized void add(String upstream, KeyPoolClient client) {
        pools.removeIf(p -> p.upstream().equals(upstream));
        pools.add(new Pool(upstream, client));
    }

    /** Forgets the pools of upstreams no longer configured (removed live). */
    public synchronized void retain(java.util.Set<String> upstreams) {
        pools.removeIf(p -> !upstreams.contains(p.upstream()));
    }

    public List<Pool> pools() {
        return List.copyOf(pools);
    }

    public Optional<Pool> pool(String upstream) {
        return pools.stream().filter(p -> p.upstream().equals(upstream)).findFirst();
    }
}
