package modrelay.moderation.tencent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import org.junit.jupiter.api.Test;

/** The request parameters and reply mapping of TextModeration, without a network. */
class TmsMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theRequestCarriesBase64Utf8ContentAndTheContextWhenPresent() throws Exception {
        JsonNode full = JSON.readTree(TmsRequest.json("你好 👋", "biz_1", new ModerationContext("chatcmpl-1", "alice")));
        assertEquals("你好 👋", new String(Base64.getDecoder().decode(full.path("Content").asText()), StandardCharsets.UTF_8));
        assertEquals("biz_1", full.path("BizType").asText());
        assertEquals("chatcmpl-1", full.path("DataId").asText());
        assertEquals("alice", full.path("User").path("UserId").asText());

        JsonNode bare = JSON.readTree(TmsRequest.json("x", "", ModerationContext.NONE));
        assertEquals(1, bare.size(), "only Content: " + bare);
    }

    @Test
    void aDataIdIsCutTo128CharactersOfTheAllowedSet() {
        assertEquals("req_1_2-x@y#z", TmsRequest.dataId("req 1.2-x@y#z"));
        assertEquals(128, TmsRequest.dataId("a".repeat(300)).length());
    }

    @Test
    void aReplyMapsToAJudgedVerdict() {
        Verdict v = TmsResponse.parse("""
                {"Response":{"Suggestion":"Block","Label":"Porn","SubLabel":"SexualAct","Score":88,
                 "Keywords":["x"],"DetailResults":[],"RequestId":"rid-1"}}""");
        assertEquals(new Verdict.Judged(Suggestion.BLOCK, "Porn", "SexualAct", 88, "tencent", "rid-1"), v);
    }

    @Test
    void aReplyWithoutAnAnswerIsUnavailable() {
        assertInstanceOf(Verdict.Unavailable.class, TmsResponse.parse("{\"Result\":1}"));
        assertInstanceOf(Verdict.Unavailable.class, TmsResponse.parse("not json"));
        Verdict.Unavailable noSuggestion = assertInstanceOf(Verdict.Unavailable.class,
                TmsResponse.parse("{\"Response\":{\"Label\":\"Normal\",\"RequestId\":\"r\"}}"));
        assertTrue(noSuggestion.reason().contains("Suggestion"), noSuggestion.reason());
        Verdict.Unavailable error = assertInstanceOf(Verdict.Unavailable.class, TmsResponse.parse(
                "{\"Response\":{\"Error\":{\"Code\":\"RequestLimitExceeded\",\"Message\":\"slow down\"},\"RequestId\":\"r\"}}"));
        assertEquals("tencent RequestLimitExceeded: slow down (RequestId r)", error.reason());
    }

    @Test
    void theScrubberRemovesBothSecrets() {
        SecretScrubber scrubber = new SecretScrubber("AKIDabc", "key123");
        assertEquals("id <secret id> key <secret key>", scrubber.scrub("id AKIDabc key key123"));
    }
}
