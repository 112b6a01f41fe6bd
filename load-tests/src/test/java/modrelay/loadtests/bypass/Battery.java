package modrelay.loadtests.bypass;

import modrelay.loadtests.fixture.RelaySpec;

/**
 * A relay as an operator who must not show blocked text runs it: {@code MODERATION_MIN=high} (no request can
 * lower it) and the keyword moderator listing the blocked terms, in front of the given upstream.
 */
final class Battery {
    static final String TERM = "zorblax";
    static final String HAN_TERM = "紫色独角兽";
    static final String UNAVAILABLE = "内容审核暂不可用，回答已中止。";

    private Battery() {}

    static RelaySpec relayInFrontOf(String upstreamUrl) {
        return RelaySpec.withoutFakes().withKeywords(TERM, HAN_TERM).env(
                "UPSTREAM_URL", upstreamUrl,
                "MODERATION_MIN", "high",
                // a frame is judged once its first text waited this long: the pause probes split a term across frames
                "MODERATION_MAX_HOLD", "100ms",
                "HEARTBEAT_INTERVAL", "5s");
    }
}
