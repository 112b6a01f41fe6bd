package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import modrelay.relay.tokens.Prices;
import modrelay.relay.tokens.Usage;
import modrelay.config.UsageSettings;
import org.junit.jupiter.api.Test;

/** The windows a request counts in and when each reopens; prices. */
class BudgetWindowsTest {

    @Test
    void windowsNameTheirStartAndReopenAtTheirEnd() {
        Instant t = Instant.parse("2026-12-31T23:59:45Z");
        List<BudgetWindows.Window> w = BudgetWindows.of(t, Optional.of(100L), Optional.of(1000L), Optional.of(5000L), Optional.of(3));
        assertEquals(4, w.size());
        long minute = t.getEpochSecond() / 60;
        assertEquals(new BudgetWindows.Window("r:" + minute, "requests_per_minute", 3, true, Duration.ofSeconds(15)), w.get(0));
        assertEquals(new BudgetWindows.Window("m:" + minute, "tokens_per_minute", 100, false, Duration.ofSeconds(15)), w.get(1));
        assertEquals(new BudgetWindows.Window("d:2026-12-31", "tokens_per_day", 1000, false, Duration.ofSeconds(15)), w.get(2));
        assertEquals(new BudgetWindows.Window("M:2026-12", "tokens_per_month", 5000, false, Duration.ofSeconds(15)), w.get(3));
        assertEquals(Duration.ofDays(31).minusSeconds(15),
                BudgetWindows.of(Instant.parse("2026-12-01T00:00:15Z"), Optional.empty(), Optional.empty(), Optional.of(1L),
                        Optional.empty()).get(0).untilEnd());
        assertTrue(BudgetWindows.of(t, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()).isEmpty());
    }

    @Test
    void costIsPerMillionInputAndOutputTokens() {
        UsageSettings.Price p = new UsageSettings.Price(0.15, 0.60);
        assertEquals(0.15 * 2 + 0.60 * 0.5, Prices.cost(p, new Usage(2_000_000, 500_000, 0, 0, false)), 1e-12);
        assertEquals(0, Prices.cost(p, 0, 0));
    }

    @Test
    void overLimitAnswersSayWhichLimitAndWhenItReopens() {
        SubKey k = new SubKey("key_x", "x", "h", "h", Instant.EPOCH, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Optional.empty(), Optional.empty(), new ModelRules(List.of(), List.of()), Optional.empty(), EndpointRules.DEFAULT,
                new SubKeyBudgets(Optional.of(10L), Optional.empty(), Optional.empty(), Optional.of(5L), Optional.empty(), 0, 0), SubKeyBinding.NONE);
        var total = AccessErrors.refusal(new Consumption.OverLimit("token_budget", Optional.empty()), k);
        assertEquals(429, total.status().intValue());
        assertTrue(total.getHeader("Retry-After").isEmpty(), "a total budget never reopens");
        var minute = AccessErrors.refusal(new Consumption.OverLimit("tokens_per_minute", Optional.of(Duration.ofMillis(1500))), k);
        assertEquals(429, minute.status().intValue());
        assertEquals("2", minute.getHeader("Retry-After").orElseThrow().value());
    }
}
