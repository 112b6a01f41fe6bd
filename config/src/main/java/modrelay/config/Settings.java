package modrelay.config;

/** The whole, validated settings tree. Immutable; built once at start by {@link SettingsLoader}. */
public record Settings(
        ServerSettings server,
        UpstreamSettings upstream,
        AccessSettings access,
        ModerationSettings moderation,
        ObservabilitySettings observability,
        RoutingSettings routing,
        SafetySettings safety,
        UsageSettings usage) {

    /** Without the usage settings: their defaults. */
    public Settings(ServerSettings server, UpstreamSettings upstream, AccessSettings access, ModerationSettings moderation,
            ObservabilitySettings observability, RoutingSettings routing, SafetySettings safety) {
        this(server, upstream, access, moderation, observability, routing, safety, UsageSettings.defaults());
    }

    /** Without the safety settings: their defaults. */
    public Settings(ServerSettings server, UpstreamSettings upstream, AccessSettings access, ModerationSettings moderation,
            ObservabilitySettings observability, RoutingSettings routing) {
        this(server, upstream, access, moderation, observability, routing, SafetySettings.defaults());
    }

    /** Without declared upstreams: UPSTREAM_URL + OPENAI_KEY are the one upstream, default routing. */
    public Settings(ServerSettings server, UpstreamSettings upstream, AccessSettings access, ModerationSettings moderation,
            ObservabilitySettings observability) {
        this(server, upstream, access, moderation, observability, RoutingSettings.single(upstream));
    }

    /** The same settings with other routing (upstreams stored in the database, read at start). */
    public Settings withRouting(RoutingSettings other) {
        return new Settings(server, upstream, access, moderation, observability, other, safety, usage);
    }

    /** The same settings listening on another host and port (0 = any free port; for tests and embedding). */
    public Settings listeningOn(String host, int port) {
        ServerSettings s = server;
        return new Settings(new ServerSettings(host, port, s.routePrefix(), s.maxRequestBytes(), s.hopHeaderPrefix(),
                s.shutdownDeadline(), s.corsOrigins(), s.heartbeatInterval(), s.maxJsonBytes(),
                s.bodyBudgetBytes()), upstream, access, moderation, observability, routing, safety, usage);
    }
}
