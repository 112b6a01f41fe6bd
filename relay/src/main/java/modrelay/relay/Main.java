package modrelay.relay;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import modrelay.config.ConfigException;
import modrelay.config.EnvAliases;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar modrelay.jar}: settings from application.conf and the environment, then serve. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        widenCommonPool();
        chooseLogFormat(System.getenv("LOG_FORMAT"));
        Settings settings;
        try {
            settings = SettingsLoader.load();
        } catch (ConfigException e) {
            // One line that names the variable, the value and what is allowed; no stack trace.
            System.err.println("modrelay: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        try {
            RelayServer server = RelayServer.start(settings).toCompletableFuture().join();
            log.info("modrelay listening on {}:{}{} → {} (proxy keys: {}, server-side upstream keys: {}, moderation default={} min={}){}",
                    settings.server().host(), server.port(), settings.server().routePrefix(), upstreamsOf(settings),
                    settings.access().proxyKeys().size(), serverKeys(settings), settings.moderation().defaultLevel(),
                    settings.moderation().minLevel(), aliasesOf(System.getenv()));
            List<String> ignored = EnvAliases.ignored(System.getenv());
            if (!ignored.isEmpty()) log.warn("set but not read: {}", String.join(", ", ignored));
        } catch (ConfigException e) {
            System.err.println("modrelay: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("modrelay: could not start: " + cause.getMessage());
            System.exit(1);
        }
    }

    /** The seed projects' variable names this start relied on, named so the operator can move to the new ones. */
    static String aliasesOf(Map<String, String> env) {
        List<EnvAliases.Use> used = EnvAliases.used(env);
        if (used.isEmpty()) return "";
        return " (read under old names: " + used.stream().map(EnvAliases.Use::toString).collect(Collectors.joining(", ")) + ")";
    }

    /** Where requests go: UPSTREAM_URL, or the declared upstreams by name (UPSTREAMS replaces UPSTREAM_URL). */
    static String upstreamsOf(Settings settings) {
        if (!settings.routing().declared()) return settings.upstream().baseUrl().toString();
        return settings.routing().upstreams().stream()
                .map(u -> u.name() + " " + (u.kind() == modrelay.config.UpstreamKind.AZURE ? u.origin() : u.apiRoot()))
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    /** Keys the relay holds: OPENAI_KEY's, or every declared upstream's. */
    static int serverKeys(Settings settings) {
        if (!settings.routing().declared()) return settings.upstream().keys().size();
        return settings.routing().upstreams().stream().mapToInt(u -> u.keys().size()).sum();
    }

    /**
     * On 1-2 CPUs the JDK's common pool has parallelism 1, and CompletableFuture then starts a new
     * thread for every async stage (Akka's Java API returns stages whose callbacks are async). The
     * benchmark measured 3-4x the CPU per request because of it. Must run before the pool exists.
     */
    public static void widenCommonPool() {
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    /** Must run before the first logger is made: Logback reads its configuration once. */
    public static void chooseLogFormat(String logFormat) {
        if ("json".equalsIgnoreCase(logFormat) && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
    }
}
