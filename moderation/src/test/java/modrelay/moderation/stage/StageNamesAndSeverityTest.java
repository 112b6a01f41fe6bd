package modrelay.moderation.stage;

import modrelay.moderation.ModerationContext;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.chain.ChainModerator;
import modrelay.moderation.chain.Severity;
import modrelay.moderation.text.ChatDialect;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StageNamesAndSeverityTest {

    @Test
    void stagesCarryTheirNames() {
        assertEquals("moderationFraming",
                new FramingStage(200, Duration.ofSeconds(1), true, 100).initialAttributes().nameOrDefault("?"));
        assertEquals("moderationRelease", new ReleaseStage(ChatDialect.INSTANCE, ModerationFlowChatTest.options(),
                modrelay.moderation.ModerationListener.NONE).initialAttributes().nameOrDefault("?"));
    }

    static final Verdict PASS = ScriptedModerator.judged(Suggestion.PASS);
    static final Verdict REVIEW = ScriptedModerator.judged(Suggestion.REVIEW);
    static final Verdict BLOCK = ScriptedModerator.judged(Suggestion.BLOCK);
    static final Verdict UNAVAILABLE = new Verdict.Unavailable("timeout", "script");

    @Test
    void splitPartsAndChainedModeratorsRankVerdictsTheSameWay() throws Exception {
        List<List<Verdict>> cases = List.of(List.of(PASS, REVIEW), List.of(REVIEW, UNAVAILABLE), List.of(UNAVAILABLE, BLOCK, REVIEW),
                List.of(PASS, PASS), List.of(REVIEW, PASS, UNAVAILABLE));
        for (List<Verdict> verdicts : cases) {
            Verdict parts = SafeModeration.worst(verdicts);
            var chain = new ChainModerator(verdicts.stream().map(v -> (modrelay.moderation.Moderator) ScriptedModerator.verdicts(t -> v)).toList());
            Verdict chained = chain.moderate("text", ModerationContext.NONE).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(Severity.rank(parts), Severity.rank(chained), verdicts.toString());
            int max = verdicts.stream().mapToInt(Severity::rank).max().orElseThrow();
            assertEquals(max, Severity.rank(parts), verdicts.toString());
        }
    }
}
