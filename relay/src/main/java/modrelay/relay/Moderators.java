package modrelay.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import modrelay.config.ModerationSettings;
import modrelay.moderation.Moderator;
import modrelay.moderation.chain.ChainModerator;
import modrelay.moderation.keywords.KeywordModerator;
import modrelay.moderation.tencent.TencentModerator;

/** Builds the moderator the settings ask for: keywords (cheap, local) first, then Tencent TMS (warming up from here on). */
final class Moderators {
    private Moderators() {}

    static Optional<Moderator> fromSettings(ModerationSettings settings) {
        List<Moderator> chain = new ArrayList<>();
        settings.keywordsFile().ifPresent(path -> chain.add(KeywordModerator.fromFile(path)));
        settings.tencent().ifPresent(t -> {
            TencentModerator tencent = new TencentModerator(t);
            // In the background, nothing billed: on a cold JVM the first calls could otherwise run past
            // MODERATION_TIMEOUT and cut the first clean streams as "unavailable". The keyword moderator needs none.
            tencent.warmUp();
            chain.add(tencent);
        });
        if (chain.isEmpty()) return Optional.empty();
        if (chain.size() == 1) return Optional.of(chain.get(0));
        return Optional.of(new ChainModerator(chain));
    }
}
