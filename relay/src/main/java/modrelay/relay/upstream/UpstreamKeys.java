package modrelay.relay.upstream;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every key pool of the relay, by upstream name, as the router and RelayServer start them: what the
 * admin API lists and re-enables, and what metrics publish. Written at start only.
 */
public final class UpstreamKeys {
    /** One upstream's pool. */
    public record Pool(String upstream, KeyPoolClient client) {}

    private final List<Pool> pools = new CopyOnWriteArrayList<>();

    public void add(String upstream, KeyPoolClient client) {
        pools.add(new Pool(upstream, client));
    }

    public List<Pool> pools() {
        return List.copyOf(pools);
    }

    public Optional<Pool> pool(String upstream) {
        return pools.stream().filter(p -> p.upstream().equals(upstream)).findFirst();
    }
}
