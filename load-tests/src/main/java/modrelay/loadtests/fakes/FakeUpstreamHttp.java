package modrelay.loadtests.fakes;

import akka.NotUsed;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.List;

/** Builds the fake's HTTP responses: JSON bodies and SSE streams. */
final class FakeUpstreamHttp {
    /** OpenAI disables proxy buffering on streams; relays in front of the fake see the same headers. */
    private static final List<akka.http.javadsl.model.HttpHeader> SSE_HEADERS =
            List.of(RawHeader.create("Cache-Control", "no-cache"), RawHeader.create("X-Accel-Buffering", "no"));

    private FakeUpstreamHttp() {}

    static HttpResponse json(String body) {
        return json(200, body);
    }

    static HttpResponse json(int status, String body) {
        return json(status, utf8(body));
    }

    static HttpResponse json(ByteString body) {
        return json(200, body);
    }

    static HttpResponse json(int status, ByteString body) {
        return HttpResponse.create()
                .withStatus(statusCode(status))
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    }

    /** Cheap for ASCII text (Java stores it as Latin-1); non-ASCII replies come pre-encoded. */
    static ByteString utf8(String text) {
        return ByteString.fromString(text);
    }

    /** Each element of {@code events} goes out as its own HTTP chunk, when it is produced. */
    static HttpResponse sse(Source<ByteString, NotUsed> events) {
        return HttpResponse.create()
                .withHeaders(SSE_HEADERS)
                .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), events));
    }

    /** One {@code data: <json>} event, framed the way OpenAI frames it (with a space after the colon). */
    static ByteString data(String json) {
        return utf8("data: " + json + "\n\n");
    }

    static ByteString data(ByteString json) {
        return DATA.concat(json).concat(EVENT_END);
    }

    static final ByteString DONE = utf8("data: [DONE]\n\n");
    private static final ByteString DATA = utf8("data: ");
    private static final ByteString EVENT_END = utf8("\n\n");

    /** A named event as the Responses API sends it: {@code event: <type>} then {@code data: <json>}. */
    static ByteString event(String type, ByteString json) {
        return utf8("event: " + type + "\ndata: ").concat(json).concat(EVENT_END);
    }

    static StatusCode statusCode(int status) {
        return StatusCodes.lookup(status)
                .orElseGet(() -> StatusCodes.custom(status, "Fake " + status, "Fake status " + status,
                        status < 400, status != 204 && status != 304));
    }
}
