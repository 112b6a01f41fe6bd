package modrelay.relay.admin;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import modrelay.relay.metrics.RelayMetrics.Totals;

/**
 * Turns the relay's running totals into rates: requests per second and moderation verdicts and cuts
 * per minute, over the last minute. Samples are the totals seen at each look (at most one a second,
 * plus one at start), so the rates need no timer and cost nothing when no one looks; after a long
 * time without a look, the first rates span the time since the last look (their window says so).
 * Pure: the caller gives the time.
 */
final class OverviewRates {
    static final long WINDOW_NANOS = 60_000_000_000L;
    static final long MIN_STEP_NANOS = 1_000_000_000L;

    private record Sample(long nanos, Totals totals) {}

    /**
     * @param windowSeconds how many seconds the rates are taken over; null rates when there is no earlier sample yet
     */
    record Rates(Double windowSeconds, Double requestsPerSecond, Map<String, Double> verdictsPerMinute,
            Map<String, Double> cutsPerMinute) {
        static final Rates NONE = new Rates(null, null, Map.of(), Map.of());
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    OverviewRates(long nanos, Totals start) {
        samples.add(new Sample(nanos, start));
    }

    /** The rates between the oldest sample kept and {@code now}; {@code now} is kept as a sample. */
    synchronized Rates observe(long nanos, Totals now) {
        // A sample older than the window goes once a newer one can serve as the base (at least a step old).
        while (samples.size() > 1 && nanos - samples.peekFirst().nanos() > WINDOW_NANOS
                && nanos - secondOldest().nanos() >= MIN_STEP_NANOS) {
            samples.pollFirst();
        }
        Sample base = samples.peekFirst();
        Rates rates = Rates.NONE;
        long span = nanos - base.nanos();
        if (span >= MIN_STEP_NANOS) {
            double seconds = span / 1e9;
            rates = new Rates(seconds, Math.max(0, now.requests() - base.totals().requests()) / seconds,
                    perMinute(base.totals().verdicts(), now.verdicts(), seconds),
                    perMinute(base.totals().cuts(), now.cuts(), seconds));
        }
        if (nanos - samples.peekLast().nanos() >= MIN_STEP_NANOS) samples.addLast(new Sample(nanos, now));
        return rates;
    }

    private Sample secondOldest() {
        var it = samples.iterator();
        it.next();
        return it.next();
    }

    private static Map<String, Double> perMinute(Map<String, Long> before, Map<String, Long> now, double seconds) {
        Map<String, Double> out = new TreeMap<>();
        for (var e : now.entrySet()) {
            long delta = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
            out.put(e.getKey(), delta * 60.0 / seconds);
        }
        return out;
    }
}
