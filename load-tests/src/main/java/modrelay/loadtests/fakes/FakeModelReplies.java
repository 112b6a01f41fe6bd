package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: a fixed list, rendered once. */
final class FakeModelReplies {
    static final List<String> MODEL_IDS = List.of("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "o3-mini", "text-embedding-3-small", "tts-1");
    private static final String LIST = "{\"object\":\"list\",\"data\":["
            + MODEL_IDS.stream().map(FakeModelReplies::model).collect(Collectors.joining(",")) + "]}";

    private FakeModelReplies() {}

    static HttpResponse list() {
        return FakeUpstreamHttp.json(LIST);
    }

    static HttpResponse get(String id) {
        return MODEL_IDS.contains(id)
                ? FakeUpstreamHttp.json(model(id))
                : FakeErrorReplies.error(404, "The model '" + id + "' does not exist",
                        "invalid_request_error", "model", "model_not_found");
    }

    private static String model(String id) {
        return "{\"id\":" + FakeUpstreamJson.quote(id) + ",\"object\":\"model\",\"created\":1686935002,\"owned_by\":\"system\"}";
    }
}
