package modrelay.relay.observability;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatLogRetentionTest {

    @Test
    void theOldestGoByDayThenByRotationIndexReadAsANumber() {
        List<String> names = List.of("chat-2026-11-23.jsonl", "chat-2026-11-22.10.jsonl", "chat-2026-11-22.jsonl",
                "chat-2026-11-22.2.jsonl", "chat-2026-11-21.jsonl", "chat-2026-11-23.1.jsonl");
        assertEquals(List.of("chat-2026-11-21.jsonl", "chat-2026-11-22.jsonl", "chat-2026-11-22.2.jsonl"),
                ChatLogRetention.toDelete(names, 3));
    }

    @Test
    void nothingGoesWithinTheLimitOrWithoutOne() {
        List<String> names = List.of("chat-2026-11-22.jsonl", "chat-2026-11-23.jsonl");
        assertEquals(List.of(), ChatLogRetention.toDelete(names, 2));
        assertEquals(List.of(), ChatLogRetention.toDelete(names, 0));
        assertEquals(List.of("chat-2026-11-22.jsonl"), ChatLogRetention.toDelete(names, 1));
    }

    @Test
    void filesThatAreNotChatLogsAreNeitherCountedNorDeleted() {
        List<String> names = List.of("access.log", "chat-2026-11-22.jsonl.gz", "chat-latest.jsonl", "chat-2026-11-22.x.jsonl",
                "notes-chat-2026-11-20.jsonl", "chat-2026-11-22.jsonl", "chat-2026-11-23.jsonl");
        assertEquals(List.of("chat-2026-11-22.jsonl"), ChatLogRetention.toDelete(names, 1));
    }
}
