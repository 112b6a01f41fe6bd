package modrelay.relay.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.config.Secret;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.relay.upstream.KeySnapshot;
import org.junit.jupiter.api.Test;

class RelayMetricsTest {

    @Test
    void keyPoolStateIsPublishedByAliasWithoutAFingerprintAndFollowsTheSnapshot() {
        String key = "sk-metrics-test-key-0123456789abcdef";
        AtomicReference<KeySnapshot> snapshot = new AtomicReference<>(new KeySnapshot(List.of(
                new KeySnapshot.KeyState(0, Secret.of(key), KeySnapshot.Status.ACTIVE, Instant.EPOCH, ""))));
        RelayMetrics metrics = new RelayMetrics();
        metrics.watchKeys("default", snapshot::get);
        System.gc(); // gauges must not lose their source to the garbage collector
        String alias = snapshot.get().keys().get(0).alias();
        assertEquals("key-1", alias);
        String before = metrics.scrape();
        assertTrue(before.contains("modrelay_upstream_key_state{key=\"" + alias + "\",state=\"active\",upstream=\"default\"} 1"), before);
        assertTrue(before.contains("modrelay_upstream_key_state{key=\"" + alias + "\",state=\"cooling\",upstream=\"default\"} 0"), before);
        assertTrue(before.contains("modrelay_upstream_key_state{key=\"key-1\",state=\"quarantined\",upstream=\"default\"} 0"), before);
        // Not the key, and not its first or last characters either.
        assertFalse(before.contains(key));
        assertFalse(before.contains("sk-"), before);
        assertFalse(before.contains("cdef"), before);

        snapshot.set(new KeySnapshot(List.of(new KeySnapshot.KeyState(0, Secret.of(key), KeySnapshot.Status.COOLING,
                Instant.now().plusSeconds(60), "rate limited"))));
        String after = metrics.scrape();
        assertTrue(after.contains("modrelay_upstream_key_state{key=\"" + alias + "\",state=\"cooling\",upstream=\"default\"} 1"), after);
        assertTrue(after.contains("modrelay_upstream_key_state{key=\"" + alias + "\",state=\"active\",upstream=\"default\"} 0"), after);
    }

    @Test
    void requestsLatencyAndStreamsAreExposedInPrometheusText() {
        RelayMetrics metrics = new RelayMetrics();
        metrics.request("chat", 200);
        metrics.request("chat", 200);
        metrics.request("models", 401);
        metrics.upstreamFirstByte("chat", 3_000_000);
        metrics.upstreamDuration("chat", 40_000_000);
        metrics.bytesRelayed("chat", 512);
        metrics.streamStarted();
        metrics.streamStarted();
        metrics.streamEnded();
        metrics.chatLogDropped();
        String text = metrics.scrape();
        assertTrue(text.contains("modrelay_requests_total{route=\"chat\",status=\"200\"} 2"), text);
        assertTrue(text.contains("modrelay_requests_total{route=\"models\",status=\"401\"} 1"), text);
        assertTrue(text.contains("modrelay_upstream_first_byte_seconds_bucket{route=\"chat\",le=\"0.005\"} 1"), text);
        assertTrue(text.contains("modrelay_upstream_duration_seconds_count{route=\"chat\"} 1"), text);
        assertTrue(text.contains("modrelay_relayed_bytes_total{route=\"chat\"} 512"), text);
        assertTrue(text.contains("modrelay_active_streams 1"), text);
        assertTrue(text.contains("modrelay_chat_log_dropped_total 1"), text);
    }

    @Test
    void aMeteredModeratorCountsResultsVerdictsAndFailures() {
        RelayMetrics metrics = new RelayMetrics();
        Moderator fake = new Moderator() {
            @Override
            public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
                if (text.startsWith("fail")) return CompletableFuture.completedFuture(new Verdict.Unavailable("timeout", "tencent"));
                if (text.startsWith("bad")) {
                    return CompletableFuture.completedFuture(new Verdict.Judged(Suggestion.BLOCK, "Illegal", "", 90, "tencent", ""));
                }
                return CompletableFuture.completedFuture(Verdict.Judged.pass("tencent"));
            }

            @Override
            public String name() {
                return "tencent";
            }
        };
        Moderator metered = new MeteredModerator(fake, metrics);
        metered.moderate("fine", ModerationContext.NONE).toCompletableFuture().join();
        metered.moderate("bad thing", ModerationContext.NONE).toCompletableFuture().join();
        metered.moderate("fail", ModerationContext.NONE).toCompletableFuture().join();
        metrics.moderationCut("blocked");
        String text = metrics.scrape();
        assertTrue(text.contains("modrelay_moderation_calls_total{result=\"pass\",source=\"tencent\"} 1"), text);
        assertTrue(text.contains("modrelay_moderation_calls_total{result=\"block\",source=\"tencent\"} 1"), text);
        assertTrue(text.contains("modrelay_moderation_calls_total{result=\"unavailable\",source=\"tencent\"} 1"), text);
        assertTrue(text.contains("modrelay_moderation_verdicts_total{label=\"Illegal\",suggestion=\"block\"} 1"), text);
        assertTrue(text.contains("modrelay_moderation_failures_total{source=\"tencent\"} 1"), text);
        assertTrue(text.contains("modrelay_moderation_cuts_total{reason=\"blocked\"} 1"), text);
        assertTrue(text.contains("modrelay_moderation_duration_seconds_count{source=\"tencent\"} 3"), text);
    }

    @Test
    void moderationLabelsAreSanitisedAndCapped() {
        RelayMetrics metrics = new RelayMetrics();
        metrics.moderationVerdict("review", "bad\"label\n{x}");
        for (int i = 0; i < RelayMetrics.MAX_MODERATION_LABELS + 10; i++) metrics.moderationVerdict("review", "L" + i);
        String text = metrics.scrape();
        assertTrue(text.contains("label=\"bad_label__x_\""), text);
        assertTrue(text.contains("label=\"other\""), text);
        long series = text.lines().filter(l -> l.startsWith("modrelay_moderation_verdicts_total{")).count();
        assertEquals(RelayMetrics.MAX_MODERATION_LABELS + 1, series);
    }
}
