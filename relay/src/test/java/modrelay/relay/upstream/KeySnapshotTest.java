package modrelay.relay.upstream;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import modrelay.config.Secret;
import modrelay.relay.upstream.KeySnapshot.KeyState;
import modrelay.relay.upstream.KeySnapshot.Pick;
import modrelay.relay.upstream.KeySnapshot.Status;
import org.junit.jupiter.api.Test;

class KeySnapshotTest {
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    private static KeyState key(int i, Status s, Instant until) {
        return new KeyState(i, Secret.of("sk-test-key-number-" + i), s, until, "");
    }

    @Test
    void roundRobinSkipsCoolingAndQuarantinedKeys() {
        KeySnapshot snap = new KeySnapshot(List.of(key(0, Status.ACTIVE, Instant.EPOCH),
                key(1, Status.COOLING, NOW.plusSeconds(5)), key(2, Status.QUARANTINED, Instant.EPOCH), key(3, Status.ACTIVE, Instant.EPOCH)));
        AtomicLong counter = new AtomicLong();
        int[] picks = new int[6];
        for (int i = 0; i < 6; i++) picks[i] = ((Pick.Key) snap.pick(counter, NOW, Optional.empty())).key().index();
        for (int p : picks) assertTrue(p == 0 || p == 3, "picked a cooling or quarantined key: " + p);
        assertEquals(3, java.util.Arrays.stream(picks).filter(p -> p == 0).count(), "both active keys share the load");
    }

    @Test
    void aCooledDownKeyIsUsableOnceItsTimeHasPassedEvenBeforeTheActorSaysSo() {
        KeySnapshot snap = new KeySnapshot(List.of(key(0, Status.COOLING, NOW.minusMillis(1))));
        assertInstanceOf(Pick.Key.class, snap.pick(new AtomicLong(), NOW, Optional.empty()));
    }

    @Test
    void allCoolingGivesTheSecondsUntilTheEarliestKeyReturns() {
        KeySnapshot snap = new KeySnapshot(List.of(key(0, Status.COOLING, NOW.plus(Duration.ofMillis(2500))),
                key(1, Status.COOLING, NOW.plusSeconds(30))));
        assertEquals(new Pick.AllCooling(3), snap.pick(new AtomicLong(), NOW, Optional.empty()));
    }

    @Test
    void allQuarantinedIsNoneUsable() {
        KeySnapshot snap = new KeySnapshot(List.of(key(0, Status.QUARANTINED, Instant.EPOCH)));
        assertEquals(new Pick.NoneUsable(), snap.pick(new AtomicLong(), NOW, Optional.empty()));
    }

    @Test
    void aRetryAvoidsTheKeyThatJustFailed() {
        KeySnapshot snap = new KeySnapshot(List.of(key(0, Status.ACTIVE, Instant.EPOCH), key(1, Status.ACTIVE, Instant.EPOCH)));
        for (int i = 0; i < 4; i++) {
            assertEquals(1, ((Pick.Key) snap.pick(new AtomicLong(i), NOW, Optional.of(0))).key().index());
        }
    }

    @Test
    void aliasesNameThePositionAndNothingOfTheSecret() {
        assertEquals("key-1", key(0, Status.ACTIVE, Instant.EPOCH).alias());
        assertEquals("key-4", key(3, Status.ACTIVE, Instant.EPOCH).alias());
        KeySnapshot snap = new KeySnapshot(List.of(key(0, Status.ACTIVE, Instant.EPOCH), key(1, Status.ACTIVE, Instant.EPOCH)));
        assertEquals(1, snap.byAlias("key-2").orElseThrow().index());
        assertTrue(snap.byAlias("key-3").isEmpty());
    }
}
