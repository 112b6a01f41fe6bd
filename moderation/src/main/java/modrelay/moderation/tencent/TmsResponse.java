package modrelay.moderation.tencent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;

/** Reads a TextModeration reply into a verdict. */
final class TmsResponse {
    static final String SOURCE = "tencent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TmsResponse() {}

    static Verdict parse(String body) {
        JsonNode response;
        try {
            response = JSON.readTree(body).path("Response");
        } catch (Exception e) {
            return new Verdict.Unavailable("tencent: reply is not JSON", SOURCE);
        }
        if (!response.isObject()) return new Verdict.Unavailable("tencent: reply without \"Response\"", SOURCE);
        String requestId = response.path("RequestId").asText("");
        JsonNode error = response.path("Error");
        if (error.isObject()) {
            // The SDK normally turns these into exceptions; kept for a reply that reaches here anyway.
            return new Verdict.Unavailable("tencent " + error.path("Code").asText("") + ": "
                    + error.path("Message").asText("") + requestIdNote(requestId), SOURCE);
        }
        JsonNode suggestion = response.path("Suggestion");
        if (!suggestion.isTextual()) {
            return new Verdict.Unavailable("tencent: reply without \"Suggestion\"" + requestIdNote(requestId), SOURCE);
        }
        return new Verdict.Judged(
                Suggestion.parse(suggestion.asText()),
                response.path("Label").asText(""),
                response.path("SubLabel").asText(""),
                response.path("Score").asInt(0),
                SOURCE,
                requestId);
    }

    static String requestIdNote(String requestId) {
        return requestId == null || requestId.isEmpty() ? "" : " (RequestId " + requestId + ")";
    }
}
