package modrelay.relay.access;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The windows a request of a key counts in: this UTC minute (tokens per minute; and requests per
 * minute when the limit is shared through PostgreSQL), this UTC day, this UTC month. Each is a row of
 * {@code subkey_windows} named by its kind and start ({@code m:29462384}, {@code d:2026-12-01},
 * {@code M:2026-12}); how long until it ends is the {@code Retry-After} of a request it refuses. Pure.
 */
public final class BudgetWindows {
    private BudgetWindows() {}

    /** One window and its limit: tokens, or requests for the shared requests-per-minute window. */
    public record Window(String id, String limitName, long limit, boolean requests, Duration untilEnd) {}

    public static List<Window> of(Instant now, Optional<Long> perMinute, Optional<Long> perDay, Optional<Long> perMonth,
            Optional<Integer> sharedRpm) {
        List<Window> out = new ArrayList<>(4);
        long minute = now.getEpochSecond() / 60;
        Duration toNextMinute = Duration.between(now, Instant.ofEpochSecond((minute + 1) * 60));
        sharedRpm.ifPresent(rpm -> out.add(new Window("r:" + minute, "requests_per_minute", rpm, true, toNextMinute)));
        perMinute.ifPresent(l -> out.add(new Window("m:" + minute, "tokens_per_minute", l, false, toNextMinute)));
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        perDay.ifPresent(l -> out.add(new Window("d:" + day, "tokens_per_day", l, false,
                Duration.between(now, day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)))));
        YearMonth month = YearMonth.from(day);
        perMonth.ifPresent(l -> out.add(new Window("M:" + month, "tokens_per_month", l, false,
                Duration.between(now, month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)))));
        return out;
    }
}
