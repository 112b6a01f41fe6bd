package modrelay.loadtests.fakes;

import akka.NotUsed;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.javadsl.Compression;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.List;
import java.util.Locale;

/**
 * The ways an upstream's answer can be odd, chosen per request with the {@code x-odd-answer} header: compressed
 * without being asked (gzip, deflate, or an encoding nobody decodes), labelled with a wrong or no content type,
 * written with CRLF line ends (legal SSE), or cut off by a connection that dies halfway.
 */
public enum OddAnswer {
    NONE,
    GZIP,
    DEFLATE,
    /** labelled {@code Content-Encoding: br} (the bytes are plain: whoever ignores the label reads them) */
    BR,
    /** labelled {@code Content-Encoding: x-zzz}, an encoding that does not exist */
    X_ZZZ,
    TEXT_PLAIN,
    /** no Content-Type header at all */
    NO_TYPE,
    OCTET_STREAM,
    /** an SSE body labelled application/json */
    LABEL_JSON,
    /** a whole JSON body labelled text/event-stream */
    LABEL_SSE,
    /** every line ended by CR LF */
    CRLF,
    /** a stream with one event of 5 MB (more than a relay should hold to judge) after its first event */
    HUGE_EVENT,
    /** the connection is closed halfway through the body (no terminating chunk, or fewer bytes than declared) */
    DIE;

    private static final int HUGE_EVENT_CHARS = 5 * 1024 * 1024;
    private static final java.time.Duration DEATH_AFTER = java.time.Duration.ofMillis(200);

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static OddAnswer fromWire(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** @param eventStream whether the answer is an SSE stream (else one whole JSON or file body in {@code steps}) */
    HttpResponse answer(List<LenientStep> steps, boolean eventStream, ContentType natural) {
        ContentType type = switch (this) {
            case TEXT_PLAIN -> ContentTypes.TEXT_PLAIN_UTF8;
            case NO_TYPE -> ContentTypes.NO_CONTENT_TYPE;
            case OCTET_STREAM -> ContentTypes.APPLICATION_OCTET_STREAM;
            case LABEL_JSON -> ContentTypes.APPLICATION_JSON;
            case LABEL_SSE -> ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM);
            default -> natural;
        };
        List<LenientStep> written = this == CRLF
                ? steps.stream().map(s -> new LenientStep(s.text().replace("\n", "\r\n"), s.pauseBefore())).toList()
                : steps;
        if (this == HUGE_EVENT && eventStream) {
            List<LenientStep> bigger = new java.util.ArrayList<>(written);
            String huge = "la ".repeat(HUGE_EVENT_CHARS / 3);
            bigger.add(Math.min(1, bigger.size()), LenientStep.raw(
                    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + huge + "\"},\"finish_reason\":null}]}\n\n"));
            written = bigger;
        }
        Source<ByteString, NotUsed> body = LenientStep.source(written);
        HttpResponse response = HttpResponse.create();
        switch (this) {
            case GZIP -> {
                body = body.via(Compression.gzip());
                response = response.addHeader(RawHeader.create("Content-Encoding", "gzip"));
            }
            case DEFLATE -> {
                body = body.via(Compression.deflate());
                response = response.addHeader(RawHeader.create("Content-Encoding", "deflate"));
            }
            case BR -> response = response.addHeader(RawHeader.create("Content-Encoding", "br"));
            case X_ZZZ -> response = response.addHeader(RawHeader.create("Content-Encoding", "x-zzz"));
            case DIE -> {
                // Everything but the end, then the connection is aborted a moment later (a timer, so that what was
                // written has left the socket before the reset).
                Source<ByteString, NotUsed> death = Source.single(0).initialDelay(DEATH_AFTER)
                        .flatMapConcat(x -> Source.failed(new IllegalStateException("the fake upstream's connection died")));
                if (eventStream) {
                    List<LenientStep> front = written.subList(0, Math.max(1, written.size() - 3));
                    return response.withEntity(HttpEntities.createChunked(type, LenientStep.source(front).concat(death)));
                }
                // a whole body declared at its full length, of which the last bytes are never written
                ByteString all = LenientStep.whole(written);
                return response.withEntity(HttpEntities.create(type, all.size(),
                        Source.single(all.take(Math.max(1, all.size() - 12))).concat(death)));
            }
            default -> { }
        }
        return response.withEntity(HttpEntities.createChunked(type, body));
    }
}
