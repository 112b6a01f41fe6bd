package modrelay.relay.response;

import akka.util.ByteString;
import java.util.concurrent.TimeoutException;
import modrelay.relay.errors.OpenAiError;

/**
 * The SSE event a client gets when the upstream fails mid-stream, before the stream ends: the
 * official SDKs raise an APIError on a {@code data:} event that holds an {@code error} object,
 * instead of returning a silently truncated answer.
 */
final class SseErrors {
    private SseErrors() {}

    static ByteString midStream(Throwable failure, long idleMillis, boolean responsesApi) {
        OpenAiError e;
        if (failure instanceof RelayShutdown) {
            e = new OpenAiError(akka.http.javadsl.model.StatusCodes.SERVICE_UNAVAILABLE,
                    "The relay is shutting down and ended this stream at its shutdown deadline; retry the request.",
                    "server_error", "shutting_down");
        } else if (failure instanceof akka.stream.StreamIdleTimeoutException) {
            e = new OpenAiError(akka.http.javadsl.model.StatusCodes.GATEWAY_TIMEOUT,
                    "The upstream went silent for " + idleMillis + " ms mid-stream; the stream was ended.",
                    "server_error", "upstream_idle_timeout");
        } else if (failure instanceof TimeoutException) {
            e = new OpenAiError(akka.http.javadsl.model.StatusCodes.GATEWAY_TIMEOUT,
                    "The stream reached the relay's total time limit and was ended.", "server_error", "upstream_total_timeout");
        } else {
            e = new OpenAiError(akka.http.javadsl.model.StatusCodes.BAD_GATEWAY,
                    "The upstream connection failed mid-stream; the stream was ended.", "server_error", "upstream_stream_error");
        }
        if (responsesApi) {
            String json = "{\"type\":\"error\",\"code\":\"" + e.code() + "\",\"message\":" + quote(e.message()) + ",\"param\":null}";
            return ByteString.fromString("event: error\ndata: " + json + "\n\n");
        }
        return ByteString.fromString("data: " + e.json() + "\n\n");
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
