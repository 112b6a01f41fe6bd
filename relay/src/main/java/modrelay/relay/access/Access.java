package modrelay.relay.access;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.config.AccessSettings;
import modrelay.relay.access.store.SubKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access control, wired: IP rules always; sub-keys when ADMIN_TOKEN or DATABASE_URL is set, or a
 * sub-key file from an earlier run is in DATA_DIR (keys handed out keep working when the admin
 * API is switched off). Without any of those no database is touched and nothing is written.
 */
public final class Access implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Access.class);

    private final ProxyKeyGuard guard;
    private final IpGate ipGate;
    private final Optional<SubKeys> subKeys;
    private final Optional<SubKeyStore> store;

    private Access(ProxyKeyGuard guard, IpGate ipGate, Optional<SubKeys> subKeys, Optional<SubKeyStore> store) {
        this.guard = guard;
        this.ipGate = ipGate;
        this.subKeys = subKeys;
        this.store = store;
    }

    /**
     * Parses the IP rules and opens the store (migrating it). Blocks; call at start.
     *
     * @throws modrelay.config.ConfigException for an IP rule that is not an address or range
     */
    public static Access start(AccessSettings settings, ActorSystem<?> system, AccessOptions options) {
        IpRules ip = IpRules.from(settings);
        boolean subKeysOn = settings.adminToken().isPresent() || settings.store().databaseUrl().isPresent()
                || Files.exists(settings.store().sqliteFile());
        AtomicReference<AccessSnapshot> snapshot = new AtomicReference<>(new AccessSnapshot(ip, Map.of()));
        IpGate gate = new IpGate(() -> snapshot.get().ipRules());
        if (!subKeysOn) return new Access(new ProxyKeyGuard(settings), gate, Optional.empty(), Optional.empty());

        SubKeyStore store = SubKeyStore.open(settings.store());
        try {
            Map<String, SubKey> keys = new HashMap<>();
            for (SubKey k : store.allNow()) keys.put(k.secretHash(), k);
            snapshot.set(new AccessSnapshot(ip, keys));
            ActorRef<SubKeyRegistry.Command> registry = system.systemActorOf(SubKeyRegistry.create(store, snapshot,
                    options.reload(), options.clock(), settings.store().refreshInterval()), "subkey-registry", Props.empty());
            SubKeys subKeys = new SubKeys(snapshot, registry, store, options.clock(), system.scheduler());
            LOG.info("sub-keys: {} in {}", keys.size(), store.describe());
            return new Access(new ProxyKeyGuard(settings, Optional.of(subKeys)), gate, Optional.of(subKeys), Optional.of(store));
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw new IllegalStateException("the sub-key store could not be read: " + e.getMessage(), e);
        }
    }

    public ProxyKeyGuard guard() {
        return guard;
    }

    public IpGate ipGate() {
        return ipGate;
    }

    public Optional<SubKeys> subKeys() {
        return subKeys;
    }

    /** The database of sub-keys (and of usage), when sub-keys are on. */
    public Optional<SubKeyStore> store() {
        return store;
    }

    @Override
    public void close() {
        store.ifPresent(SubKeyStore::close);
    }
}
