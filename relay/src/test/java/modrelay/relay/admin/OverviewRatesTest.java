package modrelay.relay.admin;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import modrelay.relay.metrics.RelayMetrics.Totals;
import org.junit.jupiter.api.Test;

/** Rates from running totals: over about the last minute, none before a second has passed. */
class OverviewRatesTest {
    static final long S = 1_000_000_000L;

    static Totals totals(long requests, long blocks, long cuts) {
        return new Totals(requests, 0, 0, 0, Map.of("pass", 0L, "block", blocks), Map.of("blocked", cuts), 0);
    }

    @Test
    void noRateWithinTheFirstSecondThenTheRateSinceTheStart() {
        OverviewRates r = new OverviewRates(0, totals(0, 0, 0));
        assertNull(r.observe(S / 2, totals(5, 0, 0)).requestsPerSecond());
        OverviewRates.Rates after = r.observe(10 * S, totals(50, 2, 1));
        assertEquals(5.0, after.requestsPerSecond(), 1e-9);
        assertEquals(12.0, after.verdictsPerMinute().get("block"), 1e-9, "2 in 10 s is 12 a minute");
        assertEquals(6.0, after.cutsPerMinute().get("blocked"), 1e-9);
        assertEquals(10.0, after.windowSeconds(), 1e-9);
    }

    @Test
    void theWindowSlidesSoAnOldBurstFadesOut() {
        OverviewRates r = new OverviewRates(0, totals(0, 0, 0));
        long t = 0;
        long requests = 0;
        // A burst of 6000 requests in the first 2 s, then 1 request a second, looked at every 2 s for 3 minutes.
        requests += 6000;
        for (t = 2 * S; t <= 180 * S; t += 2 * S) {
            requests += 2;
            OverviewRates.Rates now = r.observe(t, totals(requests, 0, 0));
            if (t >= 64 * S) {
                assertEquals(1.0, now.requestsPerSecond(), 0.05, "at " + t / S + " s the burst is out of the window");
                assertTrue(now.windowSeconds() <= 62, "window " + now.windowSeconds());
            }
        }
    }

    @Test
    void afterALongQuietTheFirstLookSpansTheQuietAndTheNextOneIsFresh() {
        OverviewRates r = new OverviewRates(0, totals(0, 0, 0));
        OverviewRates.Rates first = r.observe(3600 * S, totals(3600, 0, 0));
        assertEquals(3600.0, first.windowSeconds(), 1e-9);
        assertEquals(1.0, first.requestsPerSecond(), 1e-9);
        OverviewRates.Rates next = r.observe(3602 * S, totals(3620, 0, 0));
        assertEquals(2.0, next.windowSeconds(), 1e-9, "the hour-old sample is gone once a newer one can serve");
        assertEquals(10.0, next.requestsPerSecond(), 1e-9);
    }

    @Test
    void countersNeverGoBackwardsInARate() {
        OverviewRates r = new OverviewRates(0, totals(10, 0, 0));
        assertEquals(0.0, r.observe(5 * S, totals(3, 0, 0)).requestsPerSecond(), "a smaller total reads as no traffic");
    }
}
