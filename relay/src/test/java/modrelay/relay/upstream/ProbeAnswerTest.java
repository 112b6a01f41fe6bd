package modrelay.relay.upstream;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import modrelay.relay.upstream.KeyProbe.Verdict;
import org.junit.jupiter.api.Test;

class ProbeAnswerTest {
    private static Verdict of(int status, String body) {
        return ProbeAnswer.of(status, body.getBytes(StandardCharsets.UTF_8)).verdict();
    }

    @Test
    void aSuccessBringsTheKeyBack() {
        assertEquals(Verdict.VALID, of(200, "{\"data\":[]}"));
        assertEquals(Verdict.VALID, of(204, ""));
    }

    @Test
    void anInvalidKey401KeepsItOut() {
        assertEquals(Verdict.INVALID, of(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-...\",\"code\":\"invalid_api_key\"}}"));
        assertEquals(Verdict.INVALID, of(401, "not json"));
        assertEquals(Verdict.INVALID, of(401, ""));
        // Azure's wording
        assertEquals(Verdict.INVALID, of(401, "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key\"}}"));
    }

    @Test
    void aMissingScope401SaysTheKeyIsKnownSoValid() {
        assertEquals(Verdict.VALID, of(401, "{\"error\":{\"message\":\"You have insufficient permissions for this operation. "
                + "Missing scopes: api.model.read.\",\"type\":\"invalid_request_error\",\"code\":null}}"));
        // ...but not when the upstream also says the key is invalid
        assertEquals(Verdict.INVALID, of(401, "{\"error\":{\"message\":\"Missing scopes\",\"code\":\"invalid_api_key\"}}"));
    }

    @Test
    void otherAnswersSayNothingAboutTheKey() {
        for (int status : new int[] {403, 404, 429, 500, 502, 503}) assertEquals(Verdict.INCONCLUSIVE, of(status, ""), "" + status);
    }

    @Test
    void theDetailNeverQuotesTheUpstreamsMessage() {
        String detail = ProbeAnswer.of(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret1234\",\"code\":\"invalid_api_key\\n<x>\"}}"
                .getBytes(StandardCharsets.UTF_8)).detail();
        assertFalse(detail.contains("sk-secret1234"), detail);
        assertEquals("probe answered 401 invalid_api_keyx", detail);
    }
}
