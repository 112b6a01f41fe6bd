package modrelay.relay.admin;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import modrelay.config.ModerationSettings;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.metrics.RelayMetrics;
import modrelay.relay.routing.HealthSnapshot;
import modrelay.relay.upstream.KeySnapshot;
import modrelay.relay.upstream.UpstreamKeys;

/**
 * {@code GET /admin/overview}: the relay at a glance, from the state it already keeps: totals and
 * rates from the meters, open streams, each upstream's health and each of its keys' state and why.
 *
 * <pre>
 * {"object":"relay.overview","time":"…","uptime_seconds":N,
 *  "requests":{"total":N,"client_errors":N,"server_errors":N,"per_second":x|null},
 *  "streams":{"open":N},
 *  "moderation":{"moderator":"tencent|keywords|tencent+keywords|none","default_level":"off","min_level":"off","fail":"closed",
 *                "verdicts":{"pass":N,…},"verdicts_per_minute":{…},"cuts":{"blocked":N,…},"cuts_per_minute":{…},"failures":N},
 *  "rates_window_seconds":x|null,
 *  "upstreams":[{"name":"default","status":"up|out|probing","consecutive_failures":N,
 *                "keys":[{"key":"key-1","state":"active|cooling|quarantined","reason":…,"until":…}]}]}
 * </pre>
 */
final class OverviewRoutes extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminSources sources;
    private final UpstreamKeys keys;
    private final OverviewRates rates;
    private final long startNanos = System.nanoTime();

    OverviewRoutes(AdminSources sources, UpstreamKeys keys) {
        this.sources = sources;
        this.keys = keys;
        this.rates = new OverviewRates(startNanos, sources.observability().metrics().totals());
    }

    Route route() {
        return path("overview", () -> get(() -> complete(Answers.ok(overview()))));
    }

    String overview() {
        long nanos = System.nanoTime();
        RelayMetrics.Totals t = sources.observability().metrics().totals();
        OverviewRates.Rates r = rates.observe(nanos, t);
        Instant now = Instant.now();
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "relay.overview");
        o.put("time", now.toString());
        o.put("uptime_seconds", (nanos - startNanos) / 1_000_000_000L);
        ObjectNode req = o.putObject("requests");
        req.put("total", t.requests());
        req.put("client_errors", t.clientErrors());
        req.put("server_errors", t.serverErrors());
        if (r.requestsPerSecond() == null) req.putNull("per_second");
        else req.put("per_second", round(r.requestsPerSecond()));
        o.putObject("streams").put("open", t.openStreams());
        o.set("moderation", moderation(t, r));
        if (r.windowSeconds() == null) o.putNull("rates_window_seconds");
        else o.put("rates_window_seconds", round(r.windowSeconds()));
        o.set("upstreams", upstreams(now));
        return o.toString();
    }

    private ObjectNode moderation(RelayMetrics.Totals t, OverviewRates.Rates r) {
        ModerationSettings m = sources.settings().moderation();
        ObjectNode o = JSON.createObjectNode();
        String moderator = m.tencent().isPresent() && m.keywordsFile().isPresent() ? "tencent+keywords"
                : m.tencent().isPresent() ? "tencent" : m.keywordsFile().isPresent() ? "keywords" : "none";
        o.put("moderator", moderator);
        o.put("default_level", m.defaultLevel());
        o.put("min_level", m.minLevel());
        o.put("fail", m.failMode());
        ObjectNode verdicts = o.putObject("verdicts");
        for (String s : List.of("pass", "review", "block")) verdicts.put(s, t.verdicts().getOrDefault(s, 0L));
        o.set("verdicts_per_minute", rates(r.verdictsPerMinute(), r.windowSeconds() != null, "pass", "review", "block"));
        ObjectNode cuts = o.putObject("cuts");
        for (String s : List.of("blocked", "unavailable")) cuts.put(s, t.cuts().getOrDefault(s, 0L));
        o.set("cuts_per_minute", rates(r.cutsPerMinute(), r.windowSeconds() != null, "blocked", "unavailable"));
        o.put("failures", t.moderationFailures());
        return o;
    }

    private static com.fasterxml.jackson.databind.JsonNode rates(Map<String, Double> perMinute, boolean known, String... names) {
        if (!known) return JSON.nullNode();
        ObjectNode o = JSON.createObjectNode();
        for (String n : names) o.put(n, round(perMinute.getOrDefault(n, 0.0)));
        return o;
    }

    private ArrayNode upstreams(Instant now) {
        ArrayNode out = JSON.createArrayNode();
        List<UpstreamEndpoint> declared = sources.routing().upstreams();
        HealthSnapshot health = sources.routing().health();
        for (int i = 0; i < declared.size(); i++) {
            String name = declared.get(i).name();
            ObjectNode u = out.addObject();
            u.put("name", name);
            if (i < health.states().size()) {
                HealthSnapshot.State s = health.states().get(i);
                u.put("status", s.status().name().toLowerCase(Locale.ROOT));
                u.put("consecutive_failures", s.consecutiveFailures());
            } else {
                u.put("status", "unknown");
                u.put("consecutive_failures", 0);
            }
            ArrayNode ks = u.putArray("keys");
            keys.pool(name).ifPresent(p -> {
                for (KeySnapshot.KeyState k : p.client().snapshot().keys()) {
                    ObjectNode view = UpstreamKeyViews.key(name, k, now);
                    view.remove("object");
                    view.remove("upstream");
                    ks.add(view);
                }
            });
        }
        return out;
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
