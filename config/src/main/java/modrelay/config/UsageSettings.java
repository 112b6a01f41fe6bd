package modrelay.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Token usage accounting: recording every exchange's usage, its database queue, the price table
 * spend budgets read, and whether metrics carry the sub-key.
 *
 * @param enabled        USAGE: "on" reads (or counts) every exchange's tokens, records them and
 *                       enforces token budgets; "off" does none of it (benchmarks, or a relay that must
 *                       not ask upstreams for usage)
 * @param queueSize      USAGE_QUEUE: records waiting for the database writer; when full, new records
 *                       are dropped (and counted as modrelay_usage_dropped_total), requests never wait
 * @param flushInterval  USAGE_FLUSH_INTERVAL: how often waiting records are written (one batch)
 * @param prices         PRICES: model (exact, or a glob with '*') to price per million input / output tokens
 * @param metricsSubKey  METRICS_SUBKEY_LABEL: token counters carry a {@code subkey} label (one series per key)
 */
public record UsageSettings(boolean enabled, int queueSize, Duration flushInterval, Map<String, Price> prices,
        boolean metricsSubKey) {

    /** Price per million tokens, in the operator's currency. */
    public record Price(double inputPerMillion, double outputPerMillion) {}

    public UsageSettings {
        prices = Map.copyOf(prices);
    }

    public static UsageSettings defaults() {
        return new UsageSettings(true, 100_000, Duration.ofSeconds(1), Map.of(), false);
    }

    /** The price of a model: an exact entry first, else the longest matching glob. */
    public Optional<Price> priceOf(String model) {
        Price exact = prices.get(model);
        if (exact != null) return Optional.of(exact);
        String best = null;
        for (String glob : prices.keySet()) {
            if (glob.contains("*") && matches(glob, model) && (best == null || glob.length() > best.length())) best = glob;
        }
        return best == null ? Optional.empty() : Optional.of(prices.get(best));
    }

    private static boolean matches(String glob, String s) {
        String regex = java.util.regex.Pattern.quote(glob).replace("*", "\\E.*\\Q");
        return s.matches(regex);
    }
}
