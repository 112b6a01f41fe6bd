package modrelay.relay.upstream;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void secondsAndHttpDates() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), RetryAfter.parse("7", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(30)), RetryAfter.parse("Sun, 22 Nov 2026 10:00:30 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Sun, 22 Nov 2026 09:00:00 GMT", NOW));
        assertEquals(Optional.empty(), RetryAfter.parse("soon", NOW));
        assertEquals(Optional.empty(), RetryAfter.parse("-5", NOW));
        assertEquals(Optional.empty(), RetryAfter.parse(null, NOW));
    }

    @Test
    void noAnswerShelvesAKeyForMoreThanTenMinutes() {
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("600", NOW));
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("601", NOW));
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("86400", NOW));
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("99999999999999999999999", NOW));
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", NOW));
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("Sun, 22 Nov 2026 10:10:01 GMT", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(599)), RetryAfter.parse("Sun, 22 Nov 2026 10:09:59 GMT", NOW));
        assertEquals(Optional.empty(), RetryAfter.parse("-5", NOW));
    }

    @Test
    void aFarFutureDateOrHugeDelayIsCappedAtTenMinutes() {
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("Fri, 01 Jan 2100 00:00:00 GMT", NOW));
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("31536000", NOW));
        assertEquals(Optional.of(Duration.ofMinutes(10)), RetryAfter.parse("Sun, 22 Nov 2026 10:10:01 GMT", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(599)), RetryAfter.parse("599", NOW));
        assertEquals(Optional.of(NOW.plus(Duration.ofMinutes(10))), RetryAfter.until("Fri, 01 Jan 2100 00:00:00 GMT", NOW));
    }
}
