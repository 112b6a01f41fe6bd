package modrelay.relay.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import modrelay.relay.upstream.KeySnapshot;

/**
 * The relay's meters, in one Micrometer Prometheus registry per relay (GET /metrics scrapes it).
 * Every label takes values from a small fixed set or is bounded here: routes are classified
 * ({@link RouteClass}), statuses are numbers, key aliases are redacted, moderation labels are
 * sanitised and capped. No label ever holds a key, a token or a raw path.
 */
public final class RelayMetrics {
    /** Distinct moderation labels kept as label values; any beyond are counted as "other". */
    static final int MAX_MODERATION_LABELS = 64;

    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final Set<String> moderationLabels = ConcurrentHashMap.newKeySet();
    private final Map<String, Meter> meters = new ConcurrentHashMap<>();
    private final Counter chatLogDropped;
    private final Counter chatLogWritten;
    private final Set<String> modelLabels = ConcurrentHashMap.newKeySet();
    private final Set<String> subKeyLabels = ConcurrentHashMap.newKeySet();
    private final io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gcMetrics =
            new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics();
    /** Distinct model names (client-chosen) and sub-keys kept as label values; any beyond are "other". */
    static final int MAX_MODEL_LABELS = 256;
    static final int MAX_SUBKEY_LABELS = 10_000;

    public RelayMetrics() {
        // The JVM itself: heap and non-heap pools, GC pauses, threads, CPU, class loading.
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
        Gauge.builder("modrelay.active.streams", activeStreams, AtomicInteger::get)
                .description("Streamed (SSE) responses being relayed right now").register(registry);
        chatLogDropped = Counter.builder("modrelay.chat.log.dropped")
                .description("Chat log entries dropped because the writer's queue was full").register(registry);
        chatLogWritten = Counter.builder("modrelay.chat.log.written")
                .description("Chat log entries written").register(registry);
    }

    /**
     * Tokens of one exchange by model, upstream and direction (prompt, completion; cached and reasoning are
     * parts of those), with the sub-key as a label only when METRICS_SUBKEY_LABEL is on ({@code subKey} null
     * otherwise); and one request by model.
     */
    public void tokens(String model, String upstream, String subKey, long prompt, long completion, long cached, long reasoning,
            boolean estimated) {
        TokenMeters m = tokenMeters(new TokenMeterKey(model, upstream, subKey, estimated));
        m.prompt.increment(prompt);
        m.completion.increment(completion);
        if (cached > 0) m.cached().increment(cached);
        if (reasoning > 0) m.reasoning().increment(reasoning);
        m.requests.increment();
    }

    /** What an exchange's token meters are found by: the labels as given, before they are bounded. */
    private record TokenMeterKey(String model, String upstream, String subKey, boolean estimated) {}

    /**
     * The meters of one label set, found once per set rather than by building label strings per exchange.
     * Cached and reasoning counters appear only once some exchange has such tokens (as they always have).
     */
    private final class TokenMeters {
        final String model;
        final String upstream;
        final String subKey;
        final Counter prompt;
        final Counter completion;
        final Counter requests;
        private volatile Counter cached;
        private volatile Counter reasoning;

        TokenMeters(TokenMeterKey raw) {
            model = bounded(modelLabels, raw.model().isEmpty() ? "-" : raw.model(), MAX_MODEL_LABELS);
            subKey = raw.subKey() == null ? null : bounded(subKeyLabels, raw.subKey(), MAX_SUBKEY_LABELS);
            upstream = raw.upstream();
            prompt = tokenCounter(model, upstream, "prompt", subKey);
            completion = tokenCounter(model, upstream, "completion", subKey);
            String key = "model-requests|" + model + "|" + raw.estimated() + (subKey == null ? "" : "|" + subKey);
            requests = RelayMetrics.this.cached(key, () -> {
                Counter.Builder b = Counter.builder("modrelay.model.requests")
                        .description("Exchanges whose usage was recorded, by model (estimated: counted by the relay)")
                        .tags("model", model, "estimated", Boolean.toString(raw.estimated()));
                if (subKey != null) b.tag("subkey", subKey);
                return b.register(registry);
            });
        }

        Counter cached() {
            Counter c = cached;
            if (c == null) cached = c = tokenCounter(model, upstream, "cached", subKey);
            return c;
        }

        Counter reasoning() {
            Counter c = reasoning;
            if (c == null) reasoning = c = tokenCounter(model, upstream, "reasoning", subKey);
            return c;
        }
    }

    /**
     * Most label sets whose meters are kept for lookup. Model names come from clients: past the cap (reached only
     * when names beyond MAX_MODEL_LABELS arrive) a set's meters are found the slow way, through the registry cache.
     */
    static final int MAX_TOKEN_METER_SETS = 4 * MAX_MODEL_LABELS + 2 * MAX_SUBKEY_LABELS;
    private final Map<TokenMeterKey, TokenMeters> tokenMeters = new ConcurrentHashMap<>();

    private TokenMeters tokenMeters(TokenMeterKey key) {
        TokenMeters m = tokenMeters.get(key);
        if (m != null) return m;
        m = new TokenMeters(key);
        if (tokenMeters.size() < MAX_TOKEN_METER_SETS) tokenMeters.putIfAbsent(key, m);
        return m;
    }

    private Counter tokenCounter(String model, String upstream, String direction, String subKey) {
        String key = "tokens|" + model + "|" + upstream + "|" + direction + (subKey == null ? "" : "|" + subKey);
        return cached(key, () -> {
            Counter.Builder b = Counter.builder("modrelay.tokens")
                    .description("Tokens by model, upstream and direction (cached and reasoning are parts of prompt and completion)")
                    .tags("model", model, "upstream", upstream.isEmpty() ? "-" : upstream, "direction", direction);
            if (subKey != null) b.tag("subkey", subKey);
            return b.register(registry);
        });
    }

    /** Usage records dropped because the database writer's queue was full. */
    public void usageDropped() {
        cached("usage-dropped", () -> Counter.builder("modrelay.usage.dropped")
                .description("Usage records dropped because the database writer's queue was full").register(registry)).increment();
    }

    private static String bounded(Set<String> seen, String value, int max) {
        String v = value.length() > 100 ? value.substring(0, 100) : value;
        if (seen.contains(v)) return v;
        if (seen.size() >= max) return "other";
        seen.add(v);
        return v;
    }

    /** Stops the GC listener (a relay's registry outlives nothing else that listens). */
    public void close() {
        gcMetrics.close();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Counts since the relay started, read from the meters themselves (so they agree with /metrics):
     * what the admin console's overview turns into rates. Responses of the admin tree are left out.
     *
     * @param verdicts by suggestion (pass, review, block); @param cuts by reason (blocked, unavailable)
     */
    public record Totals(long requests, long clientErrors, long serverErrors, int openStreams, Map<String, Long> verdicts,
            Map<String, Long> cuts, long moderationFailures) {}

    public Totals totals() {
        long requests = 0, clientErrors = 0, serverErrors = 0;
        for (Counter c : registry.find("modrelay.requests").counters()) {
            if ("admin".equals(c.getId().getTag("route"))) continue;
            long n = (long) c.count();
            requests += n;
            String status = c.getId().getTag("status");
            if (status != null && status.startsWith("4")) clientErrors += n;
            else if (status != null && status.startsWith("5")) serverErrors += n;
        }
        Map<String, Long> verdicts = new java.util.TreeMap<>();
        for (Counter c : registry.find("modrelay.moderation.verdicts").counters()) {
            verdicts.merge(c.getId().getTag("suggestion"), (long) c.count(), Long::sum);
        }
        Map<String, Long> cuts = new java.util.TreeMap<>();
        for (Counter c : registry.find("modrelay.moderation.cuts").counters()) {
            cuts.merge(c.getId().getTag("reason"), (long) c.count(), Long::sum);
        }
        long failures = 0;
        for (Counter c : registry.find("modrelay.moderation.failures").counters()) failures += (long) c.count();
        return new Totals(requests, clientErrors, serverErrors, activeStreams.get(), Map.copyOf(verdicts), Map.copyOf(cuts),
                failures);
    }

    /** One response to a client, by route class and status. */
    public void request(String route, int status) {
        cached("requests|" + route + "|" + status, () -> Counter.builder("modrelay.requests")
                .description("Responses to clients by route and status")
                .tags("route", route, "status", Integer.toString(status)).register(registry)).increment();
    }

    /** Time from the client's request to the upstream's response headers. */
    public void upstreamFirstByte(String route, long nanos) {
        timer("modrelay.upstream.first.byte", "Time until the upstream's response headers", "route", route)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Time from the client's request to the end of the relayed response body. */
    public void upstreamDuration(String route, long nanos) {
        timer("modrelay.upstream.duration", "Time until the relayed response ended (streams included)", "route", route)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void bytesRelayed(String route, long bytes) {
        if (bytes <= 0) return;
        cached("bytes|" + route, () -> Counter.builder("modrelay.relayed.bytes").baseUnit("bytes")
                .description("Response body bytes sent to clients").tags("route", route).register(registry)).increment(bytes);
    }

    public void streamStarted() {
        activeStreams.incrementAndGet();
    }

    public void streamEnded() {
        activeStreams.decrementAndGet();
    }

    /** Upstream connections paired with a client connection (UPSTREAM_PAIR_CONNECTIONS), open right now. */
    public void watchPairedConnections(java.util.function.IntSupplier open) {
        Gauge.builder("modrelay.upstream.paired.connections", open, java.util.function.IntSupplier::getAsInt)
                .description("Upstream connections serving one client connection each, open right now")
                .strongReference(true).register(registry);
    }

    /** HTTP/2 connections to upstreams (UPSTREAM_HTTP2), open right now. */
    public void watchHttp2Connections(java.util.function.IntSupplier open) {
        Gauge.builder("modrelay.upstream.http2.connections", open, java.util.function.IntSupplier::getAsInt)
                .description("HTTP/2 connections to upstreams, each shared by many exchanges, open right now")
                .strongReference(true).register(registry);
    }

    /**
     * Publishes a key pool's state: one series per upstream, key alias (redacted) and state, 1 for the
     * state the key is in. Aliases are numbered per pool, so the upstream's name tells pools apart.
     */
    public void watchKeys(String upstream, Supplier<KeySnapshot> snapshot) {
        KeySnapshot now = snapshot.get();
        for (KeySnapshot.KeyState key : now.keys()) {
            int index = key.index();
            for (KeySnapshot.Status status : KeySnapshot.Status.values()) {
                Gauge.builder("modrelay.upstream.key.state", snapshot,
                                (Supplier<KeySnapshot> s) -> s.get().keys().get(index).status() == status ? 1 : 0)
                        .description("Upstream key pool: 1 for the state each key is in")
                        .strongReference(true)
                        .tags("upstream", label(upstream, 40), "key", key.alias(), "state", status.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
    }

    /** One call to the moderator, with its result: pass, review, block or unavailable. */
    public void moderationCall(String source, String result, long nanos) {
        String s = label(source, 32);
        cached("calls|" + s + "|" + result, () -> Counter.builder("modrelay.moderation.calls")
                .description("Calls to the moderator").tags("source", s, "result", result).register(registry)).increment();
        timer("modrelay.moderation.duration", "Moderator call latency", "source", s).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void moderationVerdict(String suggestion, String label) {
        String l = moderationLabel(label);
        cached("verdicts|" + suggestion + "|" + l, () -> Counter.builder("modrelay.moderation.verdicts")
                .description("Moderator verdicts by suggestion and label")
                .tags("suggestion", suggestion, "label", l).register(registry)).increment();
    }

    /** The moderator could not answer (timeout, error, auth failure). */
    public void moderationFailure(String source) {
        String s = label(source, 32);
        cached("failures|" + s, () -> Counter.builder("modrelay.moderation.failures")
                .description("Moderator calls without an answer").tags("source", s).register(registry)).increment();
    }

    /** A response cut by moderation: "blocked" (a verdict) or "unavailable" (fail mode closed). */
    public void moderationCut(String reason) {
        cached("cuts|" + reason, () -> Counter.builder("modrelay.moderation.cuts")
                .description("Responses cut by moderation").tags("reason", reason).register(registry)).increment();
    }

    public void chatLogDropped() {
        chatLogDropped.increment();
    }

    public void chatLogWritten(int entries) {
        chatLogWritten.increment(entries);
    }

    private Timer timer(String name, String description, String tag, String value) {
        return cached(name + "|" + value, () -> Timer.builder(name).description(description).tags(tag, value)
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    }

    /**
     * The meter registered under {@code key}, registered on first use. Micrometer's own lookup builds
     * and sorts a tag set and an id on every call (a few percent of the relay's CPU per request); the
     * label values are bounded (route classes, status codes, capped moderation labels), so is this map.
     */
    @SuppressWarnings("unchecked")
    private <M extends Meter> M cached(String key, Supplier<M> register) {
        Meter m = meters.get(key);
        if (m == null) m = meters.computeIfAbsent(key, k -> register.get());
        return (M) m;
    }

    private String moderationLabel(String raw) {
        String l = label(raw, 40);
        if (moderationLabels.contains(l)) return l;
        if (moderationLabels.size() >= MAX_MODERATION_LABELS) return "other";
        moderationLabels.add(l);
        return l;
    }

    /** Letters, digits, '_' and '-' only, at most {@code max} characters; "none" when empty. */
    static String label(String raw, int max) {
        if (raw == null || raw.isEmpty()) return "none";
        StringBuilder b = new StringBuilder(Math.min(raw.length(), max));
        for (int i = 0; i < raw.length() && b.length() < max; i++) {
            char c = raw.charAt(i);
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' ? c : '_');
        }
        return b.toString();
    }
}
