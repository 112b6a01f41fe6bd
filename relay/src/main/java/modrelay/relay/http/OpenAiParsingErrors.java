package modrelay.relay.http;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;
import modrelay.relay.errors.OpenAiError;

/**
 * Requests so malformed that Akka HTTP cannot parse them (a {@code \} in the request target, a broken
 * header) get OpenAI's error shape too, not Akka's plain text, so every client reads every refusal the
 * same way. The message names only the status: Akka's detail can quote a header, and headers carry keys.
 * Set as {@code akka.http.server.parsing.error-handler} by {@link modrelay.relay.AkkaConfig}.
 */
public final class OpenAiParsingErrors extends ParsingErrorHandler {
    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        String code = status.intValue() == 400 ? "invalid_request" : "request_rejected";
        return new OpenAiError(status, "The request could not be parsed (" + status.intValue() + " " + status.reason()
                + "): check the URL and headers.", "invalid_request_error", code).response();
    }
}
