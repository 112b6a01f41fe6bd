package modrelay.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Which upstreams there are and how requests are spread over them.
 *
 * @param upstreams        at least one; without UPSTREAMS / modrelay.upstreams, the single default upstream
 *                         made of UPSTREAM_URL and OPENAI_KEY that serves every model
 * @param declared         whether the upstreams were declared (UPSTREAMS or modrelay.upstreams); then the relay
 *                         answers {@code GET /v1/models} itself
 * @param strategy         ROUTING_STRATEGY: "priority", "round-robin" or "least-in-flight" (within a priority)
 * @param maxAttempts      MAX_ATTEMPTS: upstream attempts of one request, the first included
 * @param failureThreshold UPSTREAM_FAILURE_THRESHOLD: consecutive failures that take an upstream out
 * @param cooldown         UPSTREAM_COOLDOWN: how long an upstream stays out before it is probed
 * @param modelsRefresh    MODELS_REFRESH: how often the upstreams' own model lists are fetched; zero: at start only
 * @param upstreamsSource  UPSTREAMS_SOURCE: "auto" (the database when the relay has one, else the environment),
 *                         "env" (the environment wins; live edits are refused) or "database" (fails to start without one)
 * @param upstreamsRefresh UPSTREAMS_REFRESH: how often upstreams stored in the database are re-read (edits made through
 *                         another instance); zero: only this instance's own edits
 */
public record RoutingSettings(
        List<UpstreamEndpoint> upstreams,
        boolean declared,
        String strategy,
        int maxAttempts,
        int failureThreshold,
        Duration cooldown,
        Duration modelsRefresh,
        String upstreamsSource,
        Duration upstreamsRefresh) {

    public static final List<String> STRATEGIES = List.of("priority", "round-robin", "least-in-flight", "parallel");
    public static final List<String> UPSTREAM_SOURCES = List.of("auto", "env", "database");

    /** Upstreams from the database when there is one ("auto"), re-read every 30 s. */
    public RoutingSettings(List<UpstreamEndpoint> upstreams, boolean declared, String strategy, int maxAttempts,
            int failureThreshold, Duration cooldown, Duration modelsRefresh) {
        this(upstreams, declared, strategy, maxAttempts, failureThreshold, cooldown, modelsRefresh, "auto", Duration.ofSeconds(30));
    }

    /** The same routing with other upstreams (those stored in the database). */
    public RoutingSettings withUpstreams(List<UpstreamEndpoint> others, boolean declaredNow) {
        return new RoutingSettings(others, declaredNow, strategy, maxAttempts, failureThreshold, cooldown, modelsRefresh,
                upstreamsSource, upstreamsRefresh);
    }

    public RoutingSettings {
        upstreams = List.copyOf(upstreams);
        if (upstreams.isEmpty()) throw new IllegalArgumentException("no upstream");
    }

    /** The single default upstream of {@code upstream} (UPSTREAM_URL + OPENAI_KEY, every model), default routing. */
    public static RoutingSettings single(UpstreamSettings upstream) {
        return new RoutingSettings(List.of(defaultUpstream(upstream)), false, "priority", 3, 3, Duration.ofSeconds(30),
                Duration.ofMinutes(5));
    }

    /** UPSTREAM_URL as before: every path, {@code /v1/…} included, appended to it. */
    static UpstreamEndpoint defaultUpstream(UpstreamSettings upstream) {
        URI base = upstream.baseUrl();
        return new UpstreamEndpoint("default", UpstreamKind.OPENAI, base, URI.create(base + "/v1"), upstream.keys(),
                List.of(ModelRoute.of("*")), 1, 0, "", upstream.streamUsage(), List.of());
    }

    /** Whether any upstream holds server-side keys (a client may then send its proxy key alone). */
    public boolean hasServerKeys() {
        return upstreams.stream().anyMatch(UpstreamEndpoint::hasServerKeys);
    }
}
