package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void aBurstOfRpmPassesThenOneMorePerSixtyOverRpmSeconds() {
        RateLimiter l = new RateLimiter();
        for (int i = 0; i < 3; i++) assertEquals(Optional.empty(), l.acquire("k", 3, T0), "request " + i);
        assertEquals(Optional.of(Duration.ofSeconds(20)), l.acquire("k", 3, T0));
        assertEquals(Optional.of(Duration.ofSeconds(5)), l.acquire("k", 3, T0.plusSeconds(15)));
        assertEquals(Optional.empty(), l.acquire("k", 3, T0.plusSeconds(20)));
        assertTrue(l.acquire("k", 3, T0.plusSeconds(20)).isPresent());
        // After a quiet minute the whole burst is back.
        Instant later = T0.plusSeconds(200);
        for (int i = 0; i < 3; i++) assertEquals(Optional.empty(), l.acquire("k", 3, later));
    }

    @Test
    void keysAreCountedApartAndIdleOnesForgotten() {
        RateLimiter l = new RateLimiter();
        assertEquals(Optional.empty(), l.acquire("a", 1, T0));
        assertTrue(l.acquire("a", 1, T0).isPresent());
        assertEquals(Optional.empty(), l.acquire("b", 1, T0));
        l.prune(T0.plusSeconds(61));
        assertEquals(0, l.size());
    }
}
