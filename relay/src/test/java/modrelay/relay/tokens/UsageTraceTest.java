package modrelay.relay.tokens;

import static org.junit.jupiter.api.Assertions.*;

import akka.util.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import modrelay.moderation.text.ChatDialect;
import org.junit.jupiter.api.Test;

/** A JSON answer's usage read from what was kept, however it arrived; counted when there is none. */
class UsageTraceTest {
    private static final byte[] REQUEST = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello there\"}]}]}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void aJsonAnswerInChunksIsReadAtItsEnd() {
        String body = "{\"choices\":[{\"message\":{\"content\":\"Hi\"}}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":1}}";
        UsageTrace t = UsageTrace.on();
        for (int i = 0; i < body.length(); i += 10) t.received(ByteString.fromString(body.substring(i, Math.min(body.length(), i + 10))), false);
        assertEquals(new Usage(4, 1, 0, 0, false), t.resolve("gpt-4o", Optional.of(ChatDialect.INSTANCE), REQUEST));
    }

    @Test
    void aLargeJsonAnswerIsReadFromItsTail() {
        UsageTrace t = UsageTrace.on();
        t.received(ByteString.fromString("{\"data\":[\"" + "x".repeat(UsageTrace.MAX_KEPT + 1000) + "\"],"), false);
        t.received(ByteString.fromString("\"usage\":{\"prompt_tokens\":9,\"total_tokens\":9}}"), false);
        assertEquals(new Usage(9, 0, 0, 0, false), t.resolve("text-embedding-3-small", Optional.empty(), REQUEST));
    }

    @Test
    void withoutUsageThePromptAndAnswerAreCountedAndMarkedEstimated() {
        UsageTrace t = UsageTrace.on();
        t.whole(ByteString.fromString("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"General Kenobi!\"}}]}"));
        Usage u = t.resolve("gpt-4o", Optional.of(ChatDialect.INSTANCE), REQUEST);
        assertTrue(u.estimated());
        assertEquals(TokenCounter.count("gpt-4o", "Be brief.\nHello there"), u.prompt());
        assertEquals(TokenCounter.count("gpt-4o", "General Kenobi!"), u.completion());
    }

    @Test
    void offRecordsNothing() {
        UsageTrace t = UsageTrace.off();
        t.reported(new Usage(1, 1, 0, 0, false));
        t.answeredBy("x", true);
        assertTrue(t.reported().isEmpty());
        assertFalse(t.askedUpstream());
        assertFalse(t.enabled());
    }
}
