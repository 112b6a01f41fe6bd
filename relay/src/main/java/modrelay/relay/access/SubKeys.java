package modrelay.relay.access;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.relay.access.store.SubKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle on sub-keys for requests and for the admin API. Lookups read the published snapshot;
 * spending a request and every change ask the {@link SubKeyRegistry}; listing and showing read the
 * database, which holds the usage of every instance.
 */
public final class SubKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SubKeys.class);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

    private final AtomicReference<AccessSnapshot> snapshot;
    private final ActorRef<SubKeyRegistry.Command> registry;
    private final SubKeyStore store;
    private final Clock clock;
    private final Scheduler scheduler;

    public SubKeys(AtomicReference<AccessSnapshot> snapshot, ActorRef<SubKeyRegistry.Command> registry, SubKeyStore store,
            Clock clock, Scheduler scheduler) {
        this.snapshot = snapshot;
        this.registry = registry;
        this.store = store;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    public Clock clock() {
        return clock;
    }

    /** The key whose secret was presented, revoked and expired ones included. */
    public Optional<SubKey> find(String presented) {
        if (!SubKeySecrets.looksLikeSubKey(presented)) return Optional.empty();
        byte[] hash = SubKeySecrets.sha256(presented);
        SubKey k = snapshot.get().keysByHash().get(java.util.HexFormat.of().formatHex(hash));
        if (k == null) return Optional.empty();
        // The map found it by hash; compare once more in constant time all the same.
        return MessageDigest.isEqual(java.util.HexFormat.of().parseHex(k.secretHash()), hash) ? Optional.of(k) : Optional.empty();
    }

    /** Rate limit, then one request of the quota. Fails closed: a store that cannot answer is {@link Consumption.Unavailable}. */
    public CompletionStage<Consumption> consume(SubKey key) {
        return consume(key, 0, 0);
    }

    /** As {@link #consume(SubKey)}, reserving {@code tokens} and {@code cost} of the key's budgets. */
    public CompletionStage<Consumption> consume(SubKey key, long tokens, double cost) {
        CompletionStage<Consumption> asked = AskPattern.ask(registry, reply -> new SubKeyRegistry.Consume(key, tokens, cost, reply),
                ASK_TIMEOUT, scheduler);
        return asked.handle((c, e) -> e != null ? new Consumption.Unavailable(e.toString()) : c);
    }

    /**
     * Ends a spent request. "Successful" means the client got a status below 500 other than 429: the
     * upstream took the request. Anything else (upstream 429/5xx, timeouts, unreachable upstream, a
     * form refused while streaming) gives the request back.
     */
    public void settle(SubKey key, boolean successful) {
        if (successful) return;
        store.refund(key.id()).whenComplete((v, e) -> {
            if (e != null) LOG.warn("sub-key store could not give back a request of {}: {}", key.id(), e.toString());
        });
    }

    /** Replaces a reservation by what the request used ({@code tokens}, {@code cost}: used minus reserved). */
    public void settleTokens(SubKey key, java.util.List<String> windows, long tokens, double cost) {
        store.settleTokens(key.id(), windows, tokens, cost).whenComplete((v, e) -> {
            if (e != null) LOG.warn("sub-key store could not settle the tokens of {}: {}", key.id(), e.toString());
        });
    }

    public static boolean successful(int status) {
        return status < 500 && status != 429;
    }

    public CompletionStage<AdminResult<SubKey>> create(SubKey key) {
        return AskPattern.ask(registry, reply -> new SubKeyRegistry.Create(key, reply), ASK_TIMEOUT, scheduler);
    }

    public CompletionStage<AdminResult<SubKey>> update(String id, SubKeyPatch patch) {
        return AskPattern.ask(registry, reply -> new SubKeyRegistry.Update(id, patch, reply), ASK_TIMEOUT, scheduler);
    }

    public CompletionStage<AdminResult<SubKey>> revoke(String id) {
        return AskPattern.ask(registry, reply -> new SubKeyRegistry.Revoke(id, reply), ASK_TIMEOUT, scheduler);
    }

    public CompletionStage<AdminResult<ReloadReport>> reload() {
        return AskPattern.ask(registry, SubKeyRegistry.Reload::new, ASK_TIMEOUT, scheduler);
    }

    public CompletionStage<List<SubKey>> list() {
        return store.all();
    }

    public CompletionStage<Optional<SubKey>> get(String id) {
        return store.byId(id);
    }
}
