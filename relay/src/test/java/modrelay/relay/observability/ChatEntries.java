package modrelay.relay.observability;

import akka.util.ByteString;
import java.time.Instant;
import java.util.List;

/** Chat entries for tests. */
final class ChatEntries {
    private ChatEntries() {}

    static ChatEntry entry(String requestId, String reply) {
        return new ChatEntry(Instant.parse("2026-11-22T10:00:00Z"), requestId, "key-1", "127.0.0.1", "POST",
                "/v1/chat/completions", "gpt-4o-mini", 200, true, 12_345,
                ByteString.fromString("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                reply, false, "stop", "{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}", false, "off", "off",
                new ModerationTally.Snapshot(0, 0, 0, 0, 0, List.of()), "ok");
    }
}
