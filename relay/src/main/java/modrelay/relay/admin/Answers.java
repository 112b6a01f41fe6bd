package modrelay.relay.admin;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import modrelay.relay.errors.OpenAiError;

/** The answers the console's views share: JSON 200, and the OpenAI-shaped refusals they give. */
final class Answers {
    private Answers() {}

    static HttpResponse ok(String json) {
        return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json));
    }

    static HttpResponse badParameter(String param, String message) {
        return new OpenAiError(StatusCodes.BAD_REQUEST, message, "invalid_request_error", "invalid_" + param).response();
    }

    static HttpResponse notFound(String message, String code) {
        return new OpenAiError(StatusCodes.NOT_FOUND, message, "invalid_request_error", code).response();
    }
}
