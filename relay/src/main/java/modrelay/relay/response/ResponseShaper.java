package modrelay.relay.response;

import akka.NotUsed;
import akka.http.javadsl.coding.Coder;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.ResponseEntity;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import modrelay.config.Settings;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.sse.SseEventTooLargeException;
import modrelay.moderation.stage.ModerationFlow;
import modrelay.moderation.stage.ModerationOptions;
import modrelay.moderation.stage.WholeResponseModeration;
import modrelay.moderation.text.Dialect;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.tokens.StreamUsage;
import modrelay.moderation.text.Json;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.observability.ExchangeObserver;
import modrelay.relay.observability.Observability;
import modrelay.relay.upstream.BodyDeadlines;
import modrelay.relay.upstream.ChunkedEntity;
import modrelay.relay.upstream.HeaderFilter;

/**
 * Turns the upstream's response into the client's: status and headers kept (hop-by-hop dropped),
 * the body streamed with its deadlines, SSE written through as it arrives or through the
 * moderation flow, heartbeats in silent streams. Unmoderated answers pass byte for byte; a moderated
 * 2xx answer is read whole by the gate ({@link AnswerReading}) or not released.
 */
public final class ResponseShaper {
    /** Largest non-streaming answer the relay buffers to moderate whole. */
    private static final long MAX_MODERATED_BODY = 64L * 1024 * 1024;

    private final Settings settings;
    private final HeaderFilter headerFilter;
    private final Optional<Moderator> moderator;
    private final Materializer materializer;
    private final Observability observability;

    public ResponseShaper(Settings settings, HeaderFilter headerFilter, Optional<Moderator> moderator, Materializer materializer,
            Observability observability) {
        this.settings = settings;
        this.headerFilter = headerFilter;
        this.moderator = moderator;
        this.materializer = materializer;
        this.observability = observability;
    }

    public CompletionStage<HttpResponse> shape(HttpResponse upstream, Exchange ex, String keyAlias) {
        boolean success = upstream.status().isSuccess();
        boolean moderate = ex.moderated() && success && moderator.isPresent();
        int status = upstream.status().intValue();
        ExchangeObserver observer = observability.observe(ex, status, keyAlias, moderate);
        if (moderate) return moderated(upstream, ex, observer);

        List<HttpHeader> headers = clientHeaders(upstream, ex);
        ResponseEntity entity = upstream.entity();
        ContentType contentType = entity.getContentType();
        Duration remaining = remaining(ex);
        boolean metered = ex.metered() && success;
        if (isEventStream(contentType)) {
            // usage read as it passes (and taken out when the relay, not the client, asked for it), in the first stage
            StreamUsage usage = metered ? new StreamUsage(ex.usage(), ex.usage().askedUpstream()) : null;
            Source<ByteString, NotUsed> body = usage == null
                    ? BodyDeadlines.bytesOf(entity, settings.upstream().idleTimeout(), remaining)
                    : BodyDeadlines.bytesOf(entity, settings.upstream().idleTimeout(), remaining, usage::chunk, usage::end);
            // The chat log reads what the client was sent, after the body's last stage: a client that leaves mid-stream
            // is logged with what reached its connection, not with what the relay had read ahead from the upstream.
            Source<HttpEntity.ChunkStreamPart, NotUsed> sent = observer.tapStream(sseToClient(body, ex, observer));
            return done(upstream.withHeaders(headers).withEntity(ChunkedEntity.of(contentType, sent)));
        }
        if (entity instanceof akka.http.javadsl.model.HttpEntity.Strict strictEntity) {
            if (isJson(contentType)) observer.strictJson(strictEntity.getData());
            if (metered) ex.usage().whole(strictEntity.getData());
            observer.ended(strictEntity.getData().size(), "ok");
            return done(upstream.withHeaders(headers));
        }
        // the bytes counted for usage in the body's first stage, as an event stream's are
        Source<ByteString, NotUsed> upstreamBody = metered
                ? BodyDeadlines.bytesOf(entity, settings.upstream().idleTimeout(), remaining, counted(ex, false),
                        ByteString::emptyByteString)
                : BodyDeadlines.bytesOf(entity, settings.upstream().idleTimeout(), remaining);
        if (isJson(contentType)) upstreamBody = observer.tapJson(upstreamBody);
        Source<ByteString, NotUsed> body = upstreamBody.via(ClientBody.flow(observer.bodyListener(false), ex.bodyEnd()));
        ResponseEntity streamed = entity.getContentLengthOption().isPresent()
                ? HttpEntities.create(contentType, entity.getContentLengthOption().getAsLong(), body)
                : HttpEntities.createChunked(contentType, body);
        return done(upstream.withHeaders(headers).withEntity(streamed));
    }

    /**
     * A moderated 2xx answer: every byte passes the gate. gzip and deflate are decoded here (the client gets the
     * decoded text, without Content-Encoding); an answer the relay cannot read is not released at all, whatever
     * MODERATION_FAIL says (that setting is about a moderator that does not answer, not about unreadable text).
     */
    private CompletionStage<HttpResponse> moderated(HttpResponse upstream, Exchange ex, ExchangeObserver observer) {
        ResponseEntity entity = upstream.entity();
        if (entity.isKnownEmpty()) {
            observer.ended(0, "ok");
            return done(upstream.withHeaders(clientHeaders(upstream, ex)));
        }
        List<String> encodings = new ArrayList<>();
        for (HttpHeader h : upstream.getHeaders()) {
            if (h.lowercaseName().equals("content-encoding")) encodings.add(h.value());
        }
        AnswerReading reading = AnswerReading.of(encodings, entity.getContentType().mediaType().toString());
        if (reading instanceof AnswerReading.Unreadable unreadable) {
            entity.getDataBytes().runWith(Sink.cancelled(), materializer);
            boolean asStream = unreadable.declared().map(s -> s == AnswerReading.Shape.EVENT_STREAM).orElse(ex.stream());
            return done(refused(upstream, ex, observer, unreadable.reason(), asStream));
        }
        AnswerReading.Readable readable = (AnswerReading.Readable) reading;
        HttpResponse decoded = switch (readable.decoding()) {
            case IDENTITY -> upstream;
            case GZIP -> Coder.Gzip.decodeMessage(upstream);
            case DEFLATE -> Coder.Deflate.decodeMessage(upstream);
        };
        List<HttpHeader> headers = new ArrayList<>();
        for (HttpHeader h : clientHeaders(decoded, ex)) {
            // decoded here: the client must not decode it again (nor trust a length the upstream gave for other bytes)
            if (!h.lowercaseName().equals("content-encoding")) headers.add(h);
        }
        ResponseEntity body = decoded.entity();
        ContentType contentType = body.getContentType();
        Duration remaining = remaining(ex);

        if (readable.shape() == AnswerReading.Shape.EVENT_STREAM) {
            Dialect dialect = ex.dialect().get();
            ModerationOptions options = options(ex);
            // Kept as received (before the gate), for counting when the upstream's usage never comes (a cut). The usage
            // the relay asked for is read and taken out here, before the gate: the gate judges, and the client gets, the
            // stream the client asked for (so a cut's tail has no usage chunk either), and no stage parses it twice.
            // Both in the body's first stage.
            Duration idle = settings.upstream().idleTimeout();
            Source<ByteString, NotUsed> received;
            if (ex.metered() && ex.usage().askedUpstream()) {
                StreamUsage usage = new StreamUsage(ex.usage(), true);
                received = BodyDeadlines.bytesOf(body, idle, remaining, usage::chunk, usage::end);
            } else if (ex.metered()) {
                received = BodyDeadlines.bytesOf(body, idle, remaining, counted(ex, true), ByteString::emptyByteString);
            } else {
                received = BodyDeadlines.bytesOf(body, idle, remaining);
            }
            Source<ByteString, NotUsed> events = received
                    .via(ModerationFlow.create(dialect, moderator.get(), options, observer.moderationListener()))
                    // An event too large to judge ends the stream as an outage would: notice, then the dialect's end.
                    .recoverWithRetries(1, SseEventTooLargeException.class,
                            () -> Source.single(unavailableTail(dialect)));
            return done(decoded.withHeaders(headers).withEntity(ChunkedEntity.of(contentType, sseToClient(events, ex, observer))));
        }
        return body.toStrict(Math.max(1, remaining.toMillis()), MAX_MODERATED_BODY, materializer)
                .thenCompose(strict -> {
                    if (ex.metered()) ex.usage().whole(strict.getData());
                    byte[] bytes = strict.getData().toArray();
                    if (!isJsonObject(bytes)) {
                        return done(refused(upstream, ex, observer, "a body that is not a JSON object", false));
                    }
                    return WholeResponseModeration.moderate(ex.dialect().get(), bytes, moderator.get(), options(ex),
                                    observer.moderationListener())
                            .thenApply(result -> {
                                observer.ended(result.body().length, result.unreadable() ? "unreadable_answer" : "ok");
                                // Fail closed: an answer whose text could not be read is not released.
                                return decoded.withStatus(result.unreadable() ? 502 : decoded.status().intValue())
                                        .withHeaders(headers).withEntity(HttpEntities.create(contentType, result.body()));
                            });
                })
                .handle((response, error) -> {
                    if (error == null) return done(response);
                    Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (e instanceof EntityStreamSizeException) {
                        return done(refused(upstream, ex, observer, "larger than " + MAX_MODERATED_BODY + " bytes", false));
                    }
                    if (e instanceof java.util.concurrent.TimeoutException || e instanceof akka.stream.StreamTcpException) {
                        return CompletableFuture.<HttpResponse>failedFuture(e); // the usual upstream errors (504, 502)
                    }
                    return done(refused(upstream, ex, observer, "a body that could not be read or decoded", false));
                })
                .thenCompose(r -> r);
    }

    /**
     * An answer the relay could not read, not released: a stream client gets what a moderator outage gives it (the
     * unavailable notice and the dialect's end of a cut stream), any other client a 502 in OpenAI's shape.
     */
    private HttpResponse refused(HttpResponse upstream, Exchange ex, ExchangeObserver observer, String reason, boolean asStream) {
        // Counted, audited and logged as a cut for want of moderation (moderation_outcome=unavailable), like an outage.
        // (through moderationListener(): the chat log then waits for this reply as for a moderated one)
        ModerationListener listener = observer.moderationListener();
        listener.onFrame("", new Verdict.Unavailable("unreadable answer: " + reason, "relay"),
                ModerationListener.FrameOutcome.CUT_UNAVAILABLE);
        listener.onEnd(new ModerationListener.Summary("", true, "content_filter", ""));
        if (asStream) {
            ByteString tail = unavailableTail(ex.dialect().get());
            observer.ended(tail.size(), "unreadable_answer");
            return HttpResponse.create()
                    .withStatus(upstream.status())
                    .withHeaders(List.of(RawHeader.create("X-Request-Id", ex.requestId())))
                    .withEntity(HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), tail));
        }
        OpenAiError error = new OpenAiError(StatusCodes.BAD_GATEWAY,
                "The upstream's answer could not be moderated (" + reason + "), so it was not released.",
                "server_error", "moderation_unreadable_answer");
        observer.ended(0, "unreadable_answer");
        return error.response().addHeader(RawHeader.create("X-Request-Id", ex.requestId()));
    }

    private ByteString unavailableTail(Dialect dialect) {
        return dialect.newCutWriter().cut(settings.moderation().unavailableMessage(), List.of());
    }

    /** An event stream's last stage: the client's chunks, with heartbeats and the final error event. */
    private Source<HttpEntity.ChunkStreamPart, NotUsed> sseToClient(Source<ByteString, NotUsed> body, Exchange ex,
            ExchangeObserver observer) {
        boolean responsesApi = ex.dialect().map(d -> d.errorEventShape() == Dialect.ErrorEventShape.TYPED_ERROR_EVENT).orElse(false);
        long idleMillis = settings.upstream().idleTimeout().toMillis();
        return body.via(ClientBody.eventStream(observer.bodyListener(true), ex.bodyEnd(),
                t -> SseErrors.midStream(t, idleMillis, responsesApi), settings.server().heartbeatInterval()));
    }

    /** Each chunk kept for counting as received (before the gate), and passed on as it came. */
    private static UnaryOperator<ByteString> counted(Exchange ex, boolean eventStream) {
        return chunk -> {
            ex.usage().received(chunk, eventStream);
            return chunk;
        };
    }

    private Duration remaining(Exchange ex) {
        return settings.upstream().totalTimeout().minusNanos(System.nanoTime() - ex.startNanos());
    }

    private static boolean isJsonObject(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes) instanceof com.fasterxml.jackson.databind.node.ObjectNode;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private ModerationOptions options(Exchange ex) {
        return ModerationOptions.of(settings.moderation(), ex.level(), new ModerationContext(ex.requestId(), ex.client()));
    }

    private List<HttpHeader> clientHeaders(HttpResponse upstream, Exchange ex) {
        Set<String> connection = HeaderFilter.connectionTokens(
                upstream.getHeader("Connection").map(HttpHeader::value).orElse(""));
        List<HttpHeader> out = new ArrayList<>();
        for (HttpHeader h : upstream.getHeaders()) {
            if (headerFilter.forwardToClient(h.lowercaseName(), connection)) out.add(h);
        }
        out.add(RawHeader.create("X-Request-Id", ex.requestId()));
        return out;
    }

    static boolean isEventStream(ContentType ct) {
        return ct.mediaType().toString().equalsIgnoreCase("text/event-stream");
    }

    static boolean isJson(ContentType ct) {
        String m = ct.mediaType().toString().toLowerCase(java.util.Locale.ROOT);
        return m.equals("application/json") || m.endsWith("+json");
    }

    private static CompletionStage<HttpResponse> done(HttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
