package modrelay.loadtests.fakes;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** The bodies TMS answers with. Errors are HTTP 200 too, as the real service sends them. */
final class FakeTmsReplies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeTmsReplies() {}

    static HttpResponse error(String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode response = root.putObject("Response");
        ObjectNode error = response.putObject("Error");
        error.put("Code", code);
        error.put("Message", message);
        response.put("RequestId", requestId());
        return json(root.toString());
    }

    static HttpResponse verdict(FakeTmsVerdict verdict, String bizType, String dataId) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode response = root.putObject("Response");
        response.put("BizType", bizType);
        response.put("DataId", dataId);
        response.put("Suggestion", verdict.suggestion());
        response.put("Label", verdict.label());
        response.put("SubLabel", verdict.subLabel());
        response.put("Score", verdict.score());
        ArrayNode keywords = response.putArray("Keywords");
        verdict.keywords().forEach(keywords::add);
        ArrayNode details = response.putArray("DetailResults");
        if (!verdict.keywords().isEmpty()) {
            ObjectNode detail = details.addObject();
            detail.put("Label", verdict.label());
            detail.put("Suggestion", verdict.suggestion());
            ArrayNode detailKeywords = detail.putArray("Keywords");
            verdict.keywords().forEach(detailKeywords::add);
            detail.put("Score", verdict.score());
            detail.put("LibType", 1);
            detail.put("LibId", "fake-lib");
            detail.put("LibName", "fake words");
            detail.put("SubLabel", verdict.subLabel());
        }
        response.put("RequestId", requestId());
        return json(root.toString());
    }

    /** HTTP 200 and JSON, but no "Response": what a broken gateway in front of TMS might send. */
    static HttpResponse malformed() {
        return json("{\"Result\":\"ok\",\"RequestId\":\"" + requestId() + "\"}");
    }

    static HttpResponse serverError() {
        return HttpResponse.create().withStatus(StatusCodes.INTERNAL_SERVER_ERROR)
                .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "internal server error");
    }

    private static HttpResponse json(String body) {
        return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, body);
    }

    private static String requestId() {
        return UUID.randomUUID().toString();
    }
}
