package modrelay.moderation.tencent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;

/** Reads a TextModeration reply into a verdict. TMS answers errors with HTTP 200 and {@code Response.Error}. */
final class TmsResponse {
    static final String SOURCE = "tencent";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A reply read: its verdict, and the error code when the service answered one ("" otherwise).
     */
    record Reply(Verdict verdict, String errorCode) {
        /** {@code RequestLimitExceeded} (and its sub-codes): the account's rate limit, worth a retry. */
        boolean rateLimited() {
            return errorCode.equals("RequestLimitExceeded") || errorCode.startsWith("RequestLimitExceeded.");
        }
    }

    private TmsResponse() {}

    static Verdict parse(String body) {
        return read(body).verdict();
    }

    static Reply read(String body) {
        JsonNode response;
        try {
            response = JSON.readTree(body).path("Response");
        } catch (Exception e) {
            return failed("tencent: malformed reply (not JSON)");
        }
        if (!response.isObject()) return failed("tencent: malformed reply (no \"Response\")");
        String requestId = response.path("RequestId").asText("");
        JsonNode error = response.path("Error");
        if (error.isObject()) {
            String code = error.path("Code").asText("");
            return new Reply(new Verdict.Unavailable("tencent " + (code.isEmpty() ? "error" : code) + ": "
                    + error.path("Message").asText("") + requestIdNote(requestId), SOURCE), code);
        }
        JsonNode suggestion = response.path("Suggestion");
        if (!suggestion.isTextual()) {
            return failed("tencent: reply without \"Suggestion\"" + requestIdNote(requestId));
        }
        return new Reply(new Verdict.Judged(
                Suggestion.parse(suggestion.asText()),
                response.path("Label").asText(""),
                response.path("SubLabel").asText(""),
                response.path("Score").asInt(0),
                SOURCE,
                requestId), "");
    }

    private static Reply failed(String reason) {
        return new Reply(new Verdict.Unavailable(reason, SOURCE), "");
    }

    static String requestIdNote(String requestId) {
        return requestId == null || requestId.isEmpty() ? "" : " (RequestId " + requestId + ")";
    }
}
