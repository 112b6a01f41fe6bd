package modrelay.relay.observability;

import static org.junit.jupiter.api.Assertions.*;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import org.junit.jupiter.api.Test;

class ChatEntryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneLineWithTheConversationTheReplyAndWhatModerationDecided() throws Exception {
        ModerationTally tally = new ModerationTally();
        tally.add(Verdict.Judged.pass("tencent"), FrameOutcome.RELEASED);
        tally.add(new Verdict.Judged(Suggestion.REVIEW, "Polity", "PolityDiscussion", 60, "tencent", "tms-1"), FrameOutcome.RELEASED);
        tally.add(new Verdict.Judged(Suggestion.BLOCK, "Illegal", "Contraband", 95, "tencent", "tms-2"), FrameOutcome.CUT_BLOCKED);
        ChatEntry e = new ChatEntry(Instant.parse("2026-11-22T10:00:00Z"), "req-1", "key-2", "10.0.0.7", "POST",
                "/v1/chat/completions", "gpt-4o-mini", 200, true, 1500,
                ByteString.fromString("{\"model\":\"gpt-4o-mini\",\"temperature\":0.2,"
                        + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hello\\nthere\"}]}"),
                "First sentence. Second one.", false, "content_filter", "{\"total_tokens\":9}", true, "low", "cut",
                tally.snapshot(), "ok");

        byte[] line = e.toJsonLine();
        String text = new String(line, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"));
        assertEquals(1, text.split("\n", -1).length - 1, "exactly one line, even with newlines in the content");
        JsonNode j = JSON.readTree(line);
        assertEquals("req-1", j.get("request_id").asText());
        assertEquals("key-2", j.get("client").asText());
        assertEquals("10.0.0.7", j.get("client_ip").asText());
        assertEquals("/v1/chat/completions", j.get("path").asText());
        assertEquals("gpt-4o-mini", j.get("model").asText());
        assertEquals("hello\nthere", j.at("/request/messages/1/content").asText());
        assertFalse(j.get("request").has("temperature"), "only the conversation is logged");
        assertEquals("First sentence. Second one.", j.get("reply").asText());
        assertEquals("content_filter", j.get("finish_reason").asText());
        assertEquals(9, j.at("/usage/total_tokens").asInt());
        assertTrue(j.get("cut").asBoolean());
        JsonNode m = j.get("moderation");
        assertEquals("low", m.get("level").asText());
        assertEquals("cut", m.get("outcome").asText());
        assertEquals(3, m.get("frames").asInt());
        assertEquals(1, m.get("passed").asInt());
        assertEquals(1, m.get("review").asInt());
        assertEquals(1, m.get("block").asInt());
        assertEquals(2, m.get("verdicts").size(), "plain passes are counted, not listed");
        assertEquals("review", m.at("/verdicts/0/suggestion").asText());
        assertEquals("Polity", m.at("/verdicts/0/label").asText());
        assertEquals(60, m.at("/verdicts/0/score").asInt());
        assertEquals("block", m.at("/verdicts/1/suggestion").asText());
        assertEquals("Illegal", m.at("/verdicts/1/label").asText());
        assertEquals("cut_blocked", m.at("/verdicts/1/outcome").asText());
    }

    @Test
    void unavailableVerdictsAreListedWithTheirReasonAndUsageMayBeAbsent() throws Exception {
        ModerationTally tally = new ModerationTally();
        tally.add(new Verdict.Unavailable("AuthFailure.SignatureFailure", "tencent"), FrameOutcome.CUT_UNAVAILABLE);
        assertEquals("unavailable", tally.outcome());
        ChatEntry e = new ChatEntry(Instant.EPOCH, "r", "key-1", "ip", "POST", "/v1/responses", "", 200, false, 1,
                ByteString.fromString("{\"input\":\"hi\",\"instructions\":\"be kind\"}"), "", false, "", "", true, "high",
                "unavailable", tally.snapshot(), "ok");
        JsonNode j = JSON.readTree(e.toJsonLine());
        assertEquals("hi", j.at("/request/input").asText());
        assertEquals("be kind", j.at("/request/instructions").asText());
        assertTrue(j.get("usage").isNull());
        assertEquals("unavailable", j.at("/moderation/verdicts/0/suggestion").asText());
        assertEquals("AuthFailure.SignatureFailure", j.at("/moderation/verdicts/0/reason").asText());
        assertEquals(1, j.at("/moderation/unavailable").asInt());
    }

    @Test
    void aTallyKeepsAtMostAHundredNotesButCountsEveryFrame() {
        ModerationTally tally = new ModerationTally();
        for (int i = 0; i < 150; i++) {
            tally.add(new Verdict.Judged(Suggestion.REVIEW, "Ad", "", 50, "keywords", ""), FrameOutcome.RELEASED);
        }
        ModerationTally.Snapshot s = tally.snapshot();
        assertEquals(150, s.frames());
        assertEquals(150, s.review());
        assertEquals(ModerationTally.MAX_NOTES, s.notes().size());
        assertEquals("passed", tally.outcome(), "a released review at level low is not a cut");
    }
}
