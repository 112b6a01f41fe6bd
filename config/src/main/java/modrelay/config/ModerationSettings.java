package modrelay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Moderation policy and moderators. Levels are validated lower-case names ("off", "low", "high");
 * the moderation module turns them into its own enum.
 *
 * @param defaultLevel       used when a request says nothing (MODERATION_DEFAULT)
 * @param minLevel           floor that a request cannot lower (MODERATION_MIN)
 * @param failMode           "closed" or "open" (MODERATION_FAIL)
 * @param blockMessage       the notice sent as the last delta on a cut
 * @param unavailableMessage the notice when moderation was unavailable and fail mode is closed
 * @param keywordsFile       words or regexes for the local keyword moderator
 * @param tencent            Tencent Cloud TMS, when credentials are set
 * @param maxFrameChars      a frame is moderated once it holds this many characters, sentence end or not
 * @param maxHold            a frame is moderated once its first text has waited this long
 * @param parallelism        frames of one stream moderated at once (released in order)
 * @param moderateInput      the newest user message is judged before anything goes upstream (MODERATION_INPUT)
 * @param unmoderatedEndpoints group ids or endpoint names (lower case) let through unmoderated although the
 *                           relay cannot moderate them (MODERATION_UNMODERATED_ENDPOINTS); the relay checks
 *                           the names against its endpoint catalogue at start
 * @param contextChars       the rolling window: characters of a text stream released just before a frame
 *                           that are judged with it (MODERATION_CONTEXT_CHARS)
 */
public record ModerationSettings(
        String defaultLevel,
        String minLevel,
        String failMode,
        String blockMessage,
        String unavailableMessage,
        Optional<Path> keywordsFile,
        Optional<TencentSettings> tencent,
        int maxFrameChars,
        Duration maxHold,
        int parallelism,
        boolean moderateInput,
        List<String> unmoderatedEndpoints,
        int contextChars) {

    public ModerationSettings {
        unmoderatedEndpoints = List.copyOf(unmoderatedEndpoints);
    }

    public boolean hasModerator() {
        return keywordsFile.isPresent() || tencent.isPresent();
    }
}
