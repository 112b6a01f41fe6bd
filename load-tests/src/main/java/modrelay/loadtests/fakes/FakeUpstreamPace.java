package modrelay.loadtests.fakes;

import java.time.Duration;

/**
 * How a streamed reply moves in time: one token event per {@code tokenInterval} (zero: all at
 * once), and optionally silence forever after {@code stallAfterTokens} tokens.
 */
record FakeUpstreamPace(Duration tokenInterval, int stallAfterTokens) {
    static final int NEVER_STALL = -1;

    boolean stalls() {
        return stallAfterTokens != NEVER_STALL;
    }
}
