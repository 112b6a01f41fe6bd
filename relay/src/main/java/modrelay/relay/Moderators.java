package modrelay.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import modrelay.config.ModerationSettings;
import modrelay.moderation.Moderator;
import modrelay.moderation.chain.ChainModerator;
import modrelay.moderation.keywords.KeywordModerator;
import modrelay.moderation.tencent.TencentModerator;

/** Builds the moderator the settings ask for: keywords (cheap, local) first, then Tencent TMS. */
final class Moderators {
    private Moderators() {}

    static Optional<Moderator> fromSettings(ModerationSettings settings) {
        List<Moderator> chain = new ArrayList<>();
        settings.keywordsFile().ifPresent(path -> chain.add(KeywordModerator.fromFile(path)));
        settings.tencent().ifPresent(t -> chain.add(new TencentModerator(t)));
        if (chain.isEmpty()) return Optional.empty();
        if (chain.size() == 1) return Optional.of(chain.get(0));
        return Optional.of(new ChainModerator(chain));
    }
}
