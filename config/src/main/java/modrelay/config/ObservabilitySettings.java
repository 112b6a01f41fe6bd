package modrelay.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Chat logs and metrics.
 *
 * @param logChat       whether every chat/completions/responses exchange is written to the chat log
 * @param logDir        where chat logs go ({@code chat-YYYY-MM-DD.jsonl}, then {@code .1.jsonl}, …)
 * @param chatMaxBytes  a chat log file is not grown past this size; the next line starts a new file
 * @param chatMaxFiles  chat log files kept in logDir, the newest; older ones are deleted (0 = keep every file)
 * @param chatQueueSize entries waiting for the chat log writer; beyond it entries are dropped (and counted)
 * @param chatQueueBytes bytes of request and reply text the waiting entries may hold together; an entry
 *                      that does not fit is shortened (its texts truncated and marked) or, if even that
 *                      does not fit, dropped (and counted)
 * @param metricsToken  when set, GET /metrics needs {@code Authorization: Bearer <token>}
 */
public record ObservabilitySettings(
        boolean logChat,
        Path logDir,
        long chatMaxBytes,
        int chatMaxFiles,
        int chatQueueSize,
        long chatQueueBytes,
        Optional<Secret> metricsToken) {

    /** Chat log off, metrics open: what a relay built without observability settings gets. */
    public static ObservabilitySettings defaults() {
        return new ObservabilitySettings(false, Path.of("./logs"), 100L * 1024 * 1024, 30, 10_000, 64L * 1024 * 1024,
                Optional.empty());
    }
}
