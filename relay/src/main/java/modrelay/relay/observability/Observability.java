package modrelay.relay.observability;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import modrelay.config.ConfigException;
import modrelay.config.ObservabilitySettings;
import modrelay.config.Settings;
import modrelay.moderation.Moderator;
import modrelay.relay.metrics.MeteredModerator;
import modrelay.relay.metrics.MetricsEndpoint;
import modrelay.relay.metrics.RelayMetrics;
import modrelay.relay.metrics.RouteClass;
import modrelay.relay.exchange.Exchange;

/**
 * Everything a relay tells its operator besides answering: request ids on every response, the
 * metrics registry and GET /metrics, the chat log and its writer. One per relay; wired by
 * RelayServer, handed to the proxy, closed after the HTTP binding has drained.
 */
public final class Observability {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Observability.class);
    private static final Set<String> UNCOUNTED = Set.of("/healthz", "/readyz", "/metrics");

    private final String routePrefix;
    private final RelayMetrics metrics;
    private final ChatLog chatLog;
    private final Optional<ChatLogWriter> writer;
    private final MetricsEndpoint metricsEndpoint;
    private final java.nio.file.Path logDir;
    private final ExchangeObserver.Notices notices;
    private final ModerationEvents moderationEvents = new ModerationEvents(ModerationEvents.DEFAULT_CAPACITY);
    /** Chat log entries of exchanges still running or whose reply is not in yet: the writer closes after them. */
    private final AtomicInteger pendingEntries = new AtomicInteger();
    /** Set once at start, when the database is open (RelayServer); off until then. */
    private volatile modrelay.relay.usage.UsageAccounting usage;

    private Observability(String routePrefix, RelayMetrics metrics, Optional<ChatLogWriter> writer,
            ObservabilitySettings settings, ExchangeObserver.Notices notices) {
        this.notices = notices;
        this.routePrefix = routePrefix;
        this.metrics = metrics;
        this.writer = writer;
        this.chatLog = writer.<ChatLog>map(w -> w).orElse(ChatLog.OFF);
        this.metricsEndpoint = new MetricsEndpoint(metrics, settings.metricsToken());
        this.logDir = settings.logDir();
        this.usage = modrelay.relay.usage.UsageAccounting.off(metrics);
    }

    /** Usage accounting for every exchange from now on. */
    public void useUsage(modrelay.relay.usage.UsageAccounting accounting) {
        this.usage = accounting;
    }

    public modrelay.relay.usage.UsageAccounting usage() {
        return usage;
    }

    /** Starts the chat log writer when LOG_CHAT is on; fails with a one-line ConfigException if LOG_DIR is unusable. */
    public static Observability start(Settings settings) {
        ObservabilitySettings o = settings.observability();
        RelayMetrics metrics = new RelayMetrics();
        Optional<ChatLogWriter> writer = Optional.empty();
        if (o.logChat()) {
            try {
                Files.createDirectories(o.logDir());
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("LOG_DIR " + o.logDir() + " cannot be created: " + e.getClass().getSimpleName());
            }
            if (!Files.isWritable(o.logDir())) throw new ConfigException("LOG_DIR " + o.logDir() + " is not writable");
            writer = Optional.of(new ChatLogWriter(o.chatQueueSize(), o.chatQueueBytes(),
                    new ChatLogFiles(o.logDir(), o.chatMaxBytes(), o.chatMaxFiles(), Clock.systemDefaultZone()),
                    metrics::chatLogDropped, metrics::chatLogWritten));
        }
        return new Observability(settings.server().routePrefix(), metrics, writer, o, new ExchangeObserver.Notices(
                settings.moderation().blockMessage(), settings.moderation().unavailableMessage()));
    }

    /** No chat log, a private registry: for a proxy wired without observability (tests, embedding). */
    public static Observability off() {
        return new Observability("", new RelayMetrics(), Optional.empty(), ObservabilitySettings.defaults(),
                ExchangeObserver.Notices.NONE);
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public ChatLog chatLog() {
        return chatLog;
    }

    /** The latest cuts and unmoderated releases (no text), for the admin console's audit view. */
    public ModerationEvents moderationEvents() {
        return moderationEvents;
    }

    /** Whether LOG_CHAT is on: then chat exchanges have an entry under {@link #chatLogDir()}. */
    public boolean chatLogOn() {
        return writer.isPresent();
    }

    /** LOG_DIR, where the chat log's files are (only read when {@link #chatLogOn()}). */
    public java.nio.file.Path chatLogDir() {
        return logDir;
    }

    /** The moderator, counted and timed. */
    public Moderator meter(Moderator moderator) {
        return new MeteredModerator(moderator, metrics);
    }

    /** The answer to {@code GET /metrics} (Prometheus text; METRICS_TOKEN checked). */
    public HttpResponse metricsAnswer(HttpRequest request) {
        return metricsEndpoint.answer(request);
    }

    /** Counts one response to a client by route class and status; health and metrics themselves are not counted. */
    public void countResponse(String path, int status) {
        if (UNCOUNTED.contains(path)) return;
        // The admin tree is not under the route prefix; its own class keeps the console's polling out of the relay's rates.
        if (path.equals("/admin") || path.startsWith("/admin/")) metrics.request("admin", status);
        else metrics.request(routeOf(path), status);
    }

    private String routeOf(String path) {
        if (routePrefix.isEmpty()) return RouteClass.of(path);
        if (path.equals(routePrefix) || path.startsWith(routePrefix + "/")) return RouteClass.of(path.substring(routePrefix.length()));
        return "other";
    }

    /** Called when the upstream's response headers arrived: starts watching one exchange. */
    public ExchangeObserver observe(Exchange ex, int status, String keyAlias, boolean moderated) {
        return new ExchangeObserver(ex, status, keyAlias, System.nanoTime() - ex.startNanos(), moderated, metrics, chatLog,
                notices, this::entryPending, moderationEvents, usage);
    }

    /**
     * Flushes and closes the chat log in coordinated shutdown's last phase before the actor system
     * stops, i.e. after the HTTP binding has drained and the last streams have ended.
     */
    public void closeOnShutdown(ActorSystem<?> system, Duration timeout) {
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-chat-log",
                () -> CompletableFuture.runAsync(() -> close(timeout)).thenApply(done -> Done.getInstance()));
    }

    /**
     * Waits (at most {@code timeout}) until every exchange that will write a chat log entry has
     * written it, then writes what is queued and closes the file: an entry of the last streams is
     * never dropped because the writer had already closed.
     */
    public void close(Duration timeout) {
        metrics.close();
        if (writer.isEmpty()) return;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (pendingEntries) {
            while (pendingEntries.get() > 0 && System.nanoTime() - deadline < 0) {
                try {
                    pendingEntries.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (pendingEntries.get() > 0) {
            LOG.warn("chat log: closing with {} entries of unfinished exchanges still to come (they are dropped)",
                    pendingEntries.get());
        }
        writer.get().close(timeout);
    }

    private void entryPending(int delta) {
        if (pendingEntries.addAndGet(delta) == 0) {
            synchronized (pendingEntries) {
                pendingEntries.notifyAll();
            }
        }
    }
}
