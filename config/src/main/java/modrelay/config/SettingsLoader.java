package modrelay.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link Settings} from application.conf (+ the defaults in reference.conf) and the
 * environment. The environment variable names are those of the relay this project grows from
 * ({@code PORT}, {@code PROXY_KEY}, {@code TIMEOUT}, {@code OPENAI_KEY}, {@code TENCENT_CLOUD_*}),
 * so an existing {@code docker run} line keeps working.
 */
public final class SettingsLoader {
    private static final List<String> LEVELS = List.of("off", "low", "high");

    private SettingsLoader() {}

    /** The process's own configuration and environment. */
    public static Settings load() {
        return load(ConfigFactory.load(), System.getenv());
    }

    /** Defaults from reference.conf with the given environment on top (for tests and embedding). */
    public static Settings load(Map<String, String> env) {
        return load(ConfigFactory.load(), env);
    }

    /** Seed projects' variable names ({@link EnvAliases}) are read as modrelay's; an error names the one the user set. */
    public static Settings load(Config config, Map<String, String> env) {
        List<EnvAliases.Use> aliases = EnvAliases.used(env);
        try {
            return loadResolved(config, EnvAliases.apply(env));
        } catch (ConfigException e) {
            String named = EnvAliases.nameAlias(e.getMessage(), aliases);
            if (named.equals(e.getMessage())) throw e;
            throw new ConfigException(named);
        }
    }

    private static Settings loadResolved(Config config, Map<String, String> env) {
        SettingSource s = new SettingSource(config, env);
        ServerSettings server = server(s);
        UpstreamSettings upstream = upstream(s);
        AccessSettings access = access(s);
        ModerationSettings moderation = moderation(s);
        ObservabilitySettings observability = observability(s);
        return new Settings(server, upstream, access, moderation, observability, routing(s, config, upstream), safety(s), usage(s));
    }

    private static UsageSettings usage(SettingSource s) {
        return new UsageSettings(
                s.oneOf("USAGE", "modrelay.usage.accounting", List.of("on", "off")).equals("on"),
                s.intInRange("USAGE_QUEUE", "modrelay.usage.queue", 1, 10_000_000),
                s.duration("USAGE_FLUSH_INTERVAL", "modrelay.usage.flush-interval", Duration.ofMillis(10)),
                PricesParser.parse("PRICES", s.string("PRICES", "modrelay.usage.prices")),
                s.bool("METRICS_SUBKEY_LABEL", "modrelay.usage.metrics-subkey-label"));
    }

    private static SafetySettings safety(SettingSource s) {
        return new SafetySettings(
                s.bool("ALLOW_OPEN_RELAY", "modrelay.safety.allow-open-relay"),
                s.duration("HEADER_READ_TIMEOUT", "modrelay.safety.header-read-timeout", Duration.ofMillis(100)),
                s.intInRange("MAX_CONNECTIONS_PER_IP", "modrelay.safety.max-connections-per-ip", 1, 1_000_000));
    }

    /** UPSTREAMS (JSON) or modrelay.upstreams; without either, UPSTREAM_URL + OPENAI_KEY as the one upstream. */
    private static RoutingSettings routing(SettingSource s, Config config, UpstreamSettings upstream) {
        List<UpstreamEndpoint> upstreams;
        boolean declared = true;
        if (s.isSet("UPSTREAMS")) {
            upstreams = UpstreamsParser.fromEnv("UPSTREAMS", s.string("UPSTREAMS", "modrelay.upstreams"));
        } else if (config.hasPath("modrelay.upstreams") && !configuredUpstreams(config).isEmpty()) {
            upstreams = UpstreamsParser.fromConfig("modrelay.upstreams", configuredUpstreams(config));
        } else {
            upstreams = List.of(RoutingSettings.defaultUpstream(upstream));
            declared = false;
        }
        return new RoutingSettings(upstreams, declared,
                s.oneOf("ROUTING_STRATEGY", "modrelay.routing.strategy", RoutingSettings.STRATEGIES),
                s.intInRange("MAX_ATTEMPTS", "modrelay.routing.max-attempts", 1, 10),
                s.intInRange("UPSTREAM_FAILURE_THRESHOLD", "modrelay.routing.failure-threshold", 1, 1000),
                s.duration("UPSTREAM_COOLDOWN", "modrelay.routing.cooldown", Duration.ofMillis(100)),
                s.duration("MODELS_REFRESH", "modrelay.routing.models-refresh", Duration.ZERO),
                s.oneOf("UPSTREAMS_SOURCE", "modrelay.routing.upstreams-source", RoutingSettings.UPSTREAM_SOURCES),
                s.duration("UPSTREAMS_REFRESH", "modrelay.routing.upstreams-refresh", Duration.ZERO));
    }

    private static com.typesafe.config.ConfigList configuredUpstreams(Config config) {
        try {
            return config.getList("modrelay.upstreams");
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new ConfigException("modrelay.upstreams must be a list of upstreams like [{url = \"...\", models = [\"*\"]}]");
        }
    }

    private static ServerSettings server(SettingSource s) {
        return new ServerSettings(
                s.string("HOST", "modrelay.server.host"),
                s.intInRange("PORT", "modrelay.server.port", 1, 65535),
                routePrefix(s.string("ROUTE_PREFIX", "modrelay.server.route-prefix")),
                s.bytes("MAX_REQUEST_BYTES", "modrelay.server.max-request-bytes", 1024),
                s.string("HOP_HEADER_PREFIX", "modrelay.server.hop-header-prefix").toLowerCase(Locale.ROOT),
                s.duration("SHUTDOWN_DEADLINE", "modrelay.server.shutdown-deadline", Duration.ZERO),
                s.list("CORS_ORIGINS", "modrelay.server.cors-origins"),
                s.duration("HEARTBEAT_INTERVAL", "modrelay.server.heartbeat-interval", Duration.ofMillis(100)),
                s.bytes("MAX_JSON_BYTES", "modrelay.server.max-json-bytes", 1024),
                bodyBudget(s.string("REQUEST_BODY_BUDGET", "modrelay.server.request-body-budget"), s));
    }

    /** "auto": a quarter of the heap, so bodies being read can never take the whole heap; else a size like 256m. */
    static long bodyBudget(String raw, SettingSource s) {
        if (raw.trim().equalsIgnoreCase("auto")) return Runtime.getRuntime().maxMemory() / 4;
        return s.bytes("REQUEST_BODY_BUDGET", "modrelay.server.request-body-budget", 1024 * 1024);
    }

    /** "/openai/" and "openai" both become "/openai"; "/" and "" become "". */
    static String routePrefix(String raw) {
        String p = raw.trim();
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (p.isEmpty()) return "";
        if (!p.startsWith("/")) p = "/" + p;
        if (!p.matches("(/[A-Za-z0-9._~\\-]+)+")) {
            throw new ConfigException("ROUTE_PREFIX must be a path like /openai, got \"" + raw + "\"");
        }
        return p;
    }

    private static UpstreamSettings upstream(SettingSource s) {
        String urlVar = s.isSet("UPSTREAM_URL") || !s.isSet("OPENAI_BASE_URL") ? "UPSTREAM_URL" : "OPENAI_BASE_URL";
        String raw = s.string(urlVar, "modrelay.upstream.url");
        return new UpstreamSettings(
                upstreamUrl(urlVar, raw),
                secrets(s.list("OPENAI_KEY", "modrelay.upstream.keys")),
                s.duration("CONNECT_TIMEOUT", "modrelay.upstream.connect-timeout", Duration.ofMillis(1)),
                s.duration("TIMEOUT", "modrelay.upstream.timeout", Duration.ofMillis(1)),
                s.duration("IDLE_TIMEOUT", "modrelay.upstream.idle-timeout", Duration.ofMillis(1)),
                s.duration("TOTAL_TIMEOUT", "modrelay.upstream.total-timeout", Duration.ofSeconds(1)),
                s.intInRange("UPSTREAM_MAX_CONNECTIONS", "modrelay.upstream.max-connections", 1, 1_000_000),
                s.duration("KEY_COOLDOWN", "modrelay.upstream.key-cooldown", Duration.ZERO),
                s.duration("UPSTREAM_KEEP_ALIVE", "modrelay.upstream.keep-alive", Duration.ofMillis(1)),
                s.bool("UPSTREAM_STREAM_USAGE", "modrelay.upstream.stream-usage"),
                s.bool("UPSTREAM_PAIR_CONNECTIONS", "modrelay.upstream.pair-connections"),
                http2Use(s.string("UPSTREAM_HTTP2", "modrelay.upstream.http2")),
                s.intInRange("UPSTREAM_HTTP2_STREAMS", "modrelay.upstream.http2-streams", 1, 10_000));
    }

    static UpstreamSettings.Http2Use http2Use(String raw) {
        return UpstreamSettings.Http2Use.parse(raw).orElseThrow(() -> new ConfigException(
                "UPSTREAM_HTTP2 must be false, streams or true, got \"" + raw + "\""));
    }

    /** An http(s) URL with a host; a trailing slash and a trailing "/v1" are dropped (clients send /v1/...). */
    static URI upstreamUrl(String var, String raw) {
        String v = raw.trim();
        while (v.endsWith("/")) v = v.substring(0, v.length() - 1);
        if (v.endsWith("/v1")) v = v.substring(0, v.length() - 3);
        try {
            return HttpUrls.parse(var, v, "https://api.openai.com");
        } catch (ConfigException e) {
            // Name the value as the user wrote it, not as trimmed.
            throw new ConfigException(var + " must be an http:// or https:// URL like https://api.openai.com, got \"" + raw + "\"");
        }
    }

    private static List<Secret> secrets(List<String> raw) {
        return raw.stream().map(Secret::of).toList();
    }

    private static AccessSettings access(SettingSource s) {
        List<String> raw = s.list("PROXY_KEY", "modrelay.access.proxy-keys");
        List<AccessSettings.ProxyKey> keys = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String k = raw.get(i);
            if (k.contains(":")) {
                // The part after the last ':' of the client's key is the proxy key: a ':' inside it could never match.
                throw new ConfigException("PROXY_KEY must not contain ':', got a key of " + k.length() + " characters with one");
            }
            keys.add(new AccessSettings.ProxyKey("key-" + (i + 1), Secret.of(k)));
        }
        Optional<Secret> adminToken = s.optional("ADMIN_TOKEN", "modrelay.access.admin-token").map(t -> {
            if (t.length() < 16) {
                throw new ConfigException("ADMIN_TOKEN must be at least 16 characters, got " + t.length());
            }
            return Secret.of(t);
        });
        StoreSettings store = new StoreSettings(
                Path.of(s.string("DATA_DIR", "modrelay.access.data-dir")),
                s.optional("DATABASE_URL", "modrelay.access.database-url").map(u -> DatabaseUrl.parse("DATABASE_URL", u)),
                s.intInRange("DATABASE_POOL_SIZE", "modrelay.access.database-pool-size", 1, 256),
                s.duration("SUBKEY_REFRESH", "modrelay.access.subkey-refresh", Duration.ZERO));
        return new AccessSettings(List.copyOf(keys),
                s.list("IP_WHITELIST", "modrelay.access.ip-whitelist"),
                s.list("IP_BLACKLIST", "modrelay.access.ip-blacklist"),
                s.list("TRUSTED_PROXIES", "modrelay.access.trusted-proxies"),
                adminToken,
                store);
    }

    /** The access part alone, as POST /admin/reload re-reads it (IP rules from the config file and environment). */
    public static AccessSettings loadAccess(Config config, Map<String, String> env) {
        return access(new SettingSource(config, EnvAliases.apply(env))); // FORWARD_KEY too
    }

    private static ModerationSettings moderation(SettingSource s) {
        String def = s.oneOf("MODERATION_DEFAULT", "modrelay.moderation.default", LEVELS);
        String min = s.oneOf("MODERATION_MIN", "modrelay.moderation.min", LEVELS);
        Optional<Path> keywords = s.optional("MODERATION_KEYWORDS_FILE", "modrelay.moderation.keywords-file").map(Path::of);
        Duration timeout = s.duration("MODERATION_TIMEOUT", "modrelay.moderation.timeout", Duration.ofMillis(10));
        ModerationSettings m = new ModerationSettings(
                def,
                min,
                s.oneOf("MODERATION_FAIL", "modrelay.moderation.fail", List.of("closed", "open")),
                s.string("MODERATION_BLOCK_MESSAGE", "modrelay.moderation.block-message"),
                s.string("MODERATION_UNAVAILABLE_MESSAGE", "modrelay.moderation.unavailable-message"),
                keywords,
                tencent(s, timeout),
                s.intInRange("MODERATION_MAX_FRAME_CHARS", "modrelay.moderation.max-frame-chars", 8, 10_000),
                s.duration("MODERATION_MAX_HOLD", "modrelay.moderation.max-hold", Duration.ofMillis(10)),
                s.intInRange("MODERATION_PARALLELISM", "modrelay.moderation.parallelism", 1, 64),
                s.oneOf("MODERATION_INPUT", "modrelay.moderation.input", List.of("off", "on")).equals("on"),
                s.list("MODERATION_UNMODERATED_ENDPOINTS", "modrelay.moderation.unmoderated-endpoints").stream()
                        .map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList(),
                s.intInRange("MODERATION_CONTEXT_CHARS", "modrelay.moderation.context-chars", 0, 2_000));
        if ((!def.equals("off") || !min.equals("off")) && !m.hasModerator()) {
            throw new ConfigException("MODERATION_DEFAULT=" + def + " / MODERATION_MIN=" + min
                    + " need a moderator: set TENCENT_CLOUD_SID and TENCENT_CLOUD_SKEY, or MODERATION_KEYWORDS_FILE");
        }
        return m;
    }

    private static ObservabilitySettings observability(SettingSource s) {
        return new ObservabilitySettings(
                s.bool("LOG_CHAT", "modrelay.observability.log-chat"),
                logDir(s.string("LOG_DIR", "modrelay.observability.log-dir")),
                s.bytes("LOG_CHAT_MAX_BYTES", "modrelay.observability.chat-max-bytes", 1024),
                s.intInRange("LOG_CHAT_MAX_FILES", "modrelay.observability.chat-max-files", 0, 1_000_000),
                s.intInRange("LOG_CHAT_QUEUE", "modrelay.observability.chat-queue", 1, 10_000_000),
                s.bytes("LOG_CHAT_QUEUE_BYTES", "modrelay.observability.chat-queue-bytes", 64 * 1024),
                s.optional("METRICS_TOKEN", "modrelay.observability.metrics-token").map(Secret::of));
    }

    static Path logDir(String raw) {
        try {
            return Path.of(raw.isEmpty() ? "." : raw);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException("LOG_DIR must be a directory path, got \"" + raw + "\"");
        }
    }

    private static Optional<TencentSettings> tencent(SettingSource s, Duration timeout) {
        Optional<String> sid = s.optional("TENCENT_CLOUD_SID", "modrelay.moderation.tencent.secret-id");
        Optional<String> skey = s.optional("TENCENT_CLOUD_SKEY", "modrelay.moderation.tencent.secret-key");
        if (sid.isEmpty() && skey.isEmpty()) return Optional.empty();
        if (sid.isEmpty()) throw new ConfigException("TENCENT_CLOUD_SID must be set when TENCENT_CLOUD_SKEY is set");
        if (skey.isEmpty()) throw new ConfigException("TENCENT_CLOUD_SKEY must be set when TENCENT_CLOUD_SID is set");
        String rawEndpoint = s.string("TENCENT_CLOUD_ENDPOINT", "modrelay.moderation.tencent.endpoint");
        String protocol = "https://";
        String endpoint = rawEndpoint;
        if (endpoint.startsWith("http://")) {
            protocol = "http://";
            endpoint = endpoint.substring(7);
        } else if (endpoint.startsWith("https://")) {
            endpoint = endpoint.substring(8);
        }
        while (endpoint.endsWith("/")) endpoint = endpoint.substring(0, endpoint.length() - 1);
        if (!endpoint.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?")) {
            throw new ConfigException("TENCENT_CLOUD_ENDPOINT must be a host[:port], optionally with http:// or https://, got \""
                    + rawEndpoint + "\"");
        }
        String region = s.string("TENCENT_CLOUD_AP", "modrelay.moderation.tencent.region");
        if (!region.matches("[a-z0-9\\-]+")) {
            throw new ConfigException("TENCENT_CLOUD_AP must be a region like ap-singapore, got \"" + region + "\"");
        }
        return Optional.of(new TencentSettings(
                Secret.of(sid.get()),
                Secret.of(skey.get()),
                region,
                endpoint,
                protocol,
                s.string("TENCENT_CLOUD_BIZTYPE", "modrelay.moderation.tencent.biz-type"),
                timeout,
                s.intInRange("TENCENT_CLOUD_MAX_CONCURRENCY", "modrelay.moderation.tencent.max-concurrency", 1, 4096),
                s.intInRange("TENCENT_CLOUD_QPS", "modrelay.moderation.tencent.qps", 1, 100_000),
                s.intInRange("MODERATION_MAX_CALLS_PER_REQUEST", "modrelay.moderation.max-calls-per-request", 1, 256)));
    }
}
