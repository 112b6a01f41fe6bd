package modrelay.relay.access;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import modrelay.config.AccessSettings;
import modrelay.config.ConfigException;
import modrelay.relay.access.store.SubKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the access rules: the IP rules and the sub-keys as this instance knows them (published as an
 * {@link AccessSnapshot} after every change) and the per-minute rate limits (in this instance's
 * memory). The database owns what several instances share: the keys themselves and their quota.
 *
 * <p>Changes (create, update, revoke, reload, the periodic refresh) run one at a time, each store
 * call off the actor on the store's pool; a change waits while another is in flight, so a reload
 * that read the table before a create cannot publish a snapshot without the new key. Spending
 * ({@link Consume}) never waits for them.
 */
public final class SubKeyRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SubKeyRegistry.class);

    public sealed interface Command {}

    /** A request of this key wants to go upstream: rate limit, then spend one request in the database. */
    public record Consume(SubKey key, long tokens, double cost, ActorRef<Consumption> replyTo) implements Command {
        public Consume(SubKey key, ActorRef<Consumption> replyTo) {
            this(key, 0, 0, replyTo);
        }
    }

    public record Create(SubKey key, ActorRef<AdminResult<SubKey>> replyTo) implements Command {}

    public record Update(String id, SubKeyPatch patch, ActorRef<AdminResult<SubKey>> replyTo) implements Command {}

    public record Revoke(String id, ActorRef<AdminResult<SubKey>> replyTo) implements Command {}

    /** Re-read the IP rules (config file and environment) and the sub-keys (database). */
    public record Reload(ActorRef<AdminResult<ReloadReport>> replyTo) implements Command {}

    private record Refresh() implements Command {}

    /** A change's store call finished: apply it here, on the actor. */
    private record Finished(Runnable apply) implements Command {}

    private SubKeyRegistry() {}

    public static Behavior<Command> create(SubKeyStore store, AtomicReference<AccessSnapshot> published,
            Supplier<AccessSettings> reload, Clock clock, Duration refreshInterval) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            if (!refreshInterval.isZero()) timers.startTimerWithFixedDelay("refresh", new Refresh(), refreshInterval);
            return new Running(ctx, store, published, reload, clock).behavior();
        }));
    }

    private static final class Running {
        private final ActorContext<Command> ctx;
        private final SubKeyStore store;
        private final AtomicReference<AccessSnapshot> published;
        private final Supplier<AccessSettings> reload;
        private final Clock clock;
        private final RateLimiter limiter = new RateLimiter();
        private final Deque<Command> waiting = new ArrayDeque<>();
        private final Map<String, SubKey> byId = new HashMap<>();
        private boolean busy;

        Running(ActorContext<Command> ctx, SubKeyStore store, AtomicReference<AccessSnapshot> published,
                Supplier<AccessSettings> reload, Clock clock) {
            this.ctx = ctx;
            this.store = store;
            this.published = published;
            this.reload = reload;
            this.clock = clock;
            for (SubKey k : published.get().keysByHash().values()) byId.put(k.id(), k);
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Consume.class, this::onConsume)
                    .onMessage(Finished.class, this::onFinished)
                    .onAnyMessage(this::onChange)
                    .build();
        }

        private Behavior<Command> onConsume(Consume m) {
            Optional<Integer> rpm = m.key().rpm();
            // With PostgreSQL the minute's requests are counted in the database, shared by every instance.
            if (rpm.isPresent() && !store.shared()) {
                Optional<Duration> wait = limiter.acquire(m.key().id(), rpm.get(), clock.instant());
                if (wait.isPresent()) {
                    m.replyTo().tell(new Consumption.RateLimited(wait.get()));
                    return Behaviors.same();
                }
            }
            store.consume(m.key(), clock.instant(), m.tokens(), m.cost(), store.shared()).whenComplete((c, e) -> {
                if (e != null) LOG.warn("sub-key store could not spend a request of {}: {}", m.key().id(), e.toString());
                m.replyTo().tell(e != null ? new Consumption.Unavailable(e.toString()) : c);
            });
            return Behaviors.same();
        }

        private Behavior<Command> onChange(Command m) {
            if (m instanceof Refresh && (busy || waiting.stream().anyMatch(w -> w instanceof Refresh))) {
                if (waiting.stream().noneMatch(w -> w instanceof Refresh)) waiting.add(m);
                return Behaviors.same();
            }
            if (busy) {
                waiting.add(m);
                return Behaviors.same();
            }
            start(m);
            return Behaviors.same();
        }

        private Behavior<Command> onFinished(Finished m) {
            m.apply().run();
            busy = false;
            Command next = waiting.poll();
            if (next != null) start(next);
            return Behaviors.same();
        }

        private void start(Command m) {
            busy = true;
            if (m instanceof Create c) {
                after(store.insert(c.key()), (k, e) -> {
                    if (e != null) {
                        reply(c.replyTo(), failed("the key could not be stored", e));
                    } else {
                        put(k);
                        LOG.info("sub-key {} ({}) created", k.id(), k.name());
                        c.replyTo().tell(new AdminResult.Ok<>(k));
                    }
                });
            } else if (m instanceof Update u) {
                after(store.update(u.id(), u.patch()), (k, e) -> changed(u.replyTo(), k, e, "updated"));
            } else if (m instanceof Revoke r) {
                after(store.revoke(r.id(), clock.instant()), (k, e) -> changed(r.replyTo(), k, e, "revoked"));
            } else if (m instanceof Reload r) {
                IpRules ip;
                AccessSettings settings;
                try {
                    settings = reload.get();
                    ip = IpRules.from(settings);
                } catch (ConfigException bad) {
                    reply(r.replyTo(), new AdminResult.Failed<>(bad.getMessage(), true));
                    ctx.getSelf().tell(new Finished(() -> {}));
                    return;
                }
                after(store.all(), (keys, e) -> {
                    if (e != null) {
                        reply(r.replyTo(), failed("the sub-keys could not be read", e));
                        return;
                    }
                    replaceAll(ip, keys);
                    LOG.info("access rules reloaded: {} whitelisted, {} blacklisted, {} trusted proxies, {} sub-keys",
                            ip.whitelistSize(), ip.blacklistSize(), ip.trustedProxiesSize(), keys.size());
                    r.replyTo().tell(new AdminResult.Ok<>(new ReloadReport(ip.whitelistSize(), ip.blacklistSize(),
                            ip.trustedProxiesSize(), keys.size())));
                });
            } else if (m instanceof Refresh) {
                after(store.all(), (keys, e) -> {
                    if (e != null) {
                        LOG.warn("sub-keys could not be refreshed from the database: {}", e.toString());
                        return;
                    }
                    replaceAll(published.get().ipRules(), keys);
                    limiter.prune(clock.instant());
                    try {
                        store.pruneWindowsNow(clock.instant());
                    } catch (java.sql.SQLException ignored) {
                        // old windows are only clutter; the next refresh tries again
                    }
                });
            } else {
                busy = false;
            }
        }

        private void changed(ActorRef<AdminResult<SubKey>> replyTo, Optional<SubKey> k, Throwable e, String what) {
            if (e != null) {
                reply(replyTo, failed("the key could not be " + what, e));
            } else if (k.isEmpty()) {
                replyTo.tell(new AdminResult.NotFound<>());
            } else {
                put(k.get());
                LOG.info("sub-key {} {}", k.get().id(), what);
                replyTo.tell(new AdminResult.Ok<>(k.get()));
            }
        }

        /** Runs {@code apply} on the actor once {@code call} is done. */
        private <T> void after(CompletionStage<T> call, java.util.function.BiConsumer<T, Throwable> apply) {
            ctx.pipeToSelf(call, (value, error) -> new Finished(() -> apply.accept(value, error)));
        }

        private static <T> AdminResult<T> failed(String what, Throwable e) {
            LOG.warn("{}: {}", what, e.toString());
            return new AdminResult.Failed<>(what + ": the key store is unavailable", false);
        }

        private static <T> void reply(ActorRef<AdminResult<T>> to, AdminResult<T> result) {
            to.tell(result);
        }

        private void put(SubKey k) {
            byId.put(k.id(), k);
            publish(published.get().ipRules());
        }

        private void replaceAll(IpRules ip, List<SubKey> keys) {
            byId.clear();
            for (SubKey k : keys) byId.put(k.id(), k);
            publish(ip);
        }

        private void publish(IpRules ip) {
            Map<String, SubKey> byHash = new HashMap<>();
            for (SubKey k : byId.values()) byHash.put(k.secretHash(), k);
            published.set(new AccessSnapshot(ip, byHash));
        }
    }
}
