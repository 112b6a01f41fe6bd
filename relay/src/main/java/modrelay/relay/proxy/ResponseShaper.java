package modrelay.relay.proxy;

import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.BodyEnd;
import modrelay.relay.exchange.UpstreamBody;
import akka.NotUsed;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.ResponseEntity;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import modrelay.config.Settings;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.Moderator;
import modrelay.moderation.sse.SseHeartbeat;
import modrelay.moderation.stage.ModerationFlow;
import modrelay.moderation.stage.ModerationOptions;
import modrelay.moderation.stage.WholeResponseModeration;
import modrelay.moderation.text.Dialect;
import modrelay.relay.logging.ExchangeObserver;
import modrelay.relay.logging.Observability;
import modrelay.relay.upstream.BodyDeadlines;
import modrelay.relay.upstream.HeaderFilter;

/**
 * Turns the upstream's response into the client's: status and headers kept (hop-by-hop dropped),
 * the body streamed with its deadlines, SSE written through as it arrives or through the
 * moderation flow, heartbeats in silent streams.
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
        List<HttpHeader> headers = clientHeaders(upstream, ex);
        ResponseEntity entity = upstream.entity();
        ContentType contentType = entity.getContentType();
        Duration remaining = settings.upstream().totalTimeout().minusNanos(System.nanoTime() - ex.startNanos());
        boolean success = upstream.status().isSuccess();
        boolean moderate = ex.moderated() && success && moderator.isPresent();
        int status = upstream.status().intValue();
        ExchangeObserver observer = observability.observe(ex, status, keyAlias, moderate);

        if (isEventStream(contentType)) {
            Source<ByteString, NotUsed> body = bytesOf(entity)
                    .via(BodyDeadlines.flow(settings.upstream().idleTimeout(), remaining));
            if (moderate) {
                body = body.via(ModerationFlow.create(ex.dialect().get(), moderator.get(), options(ex),
                        observer.moderationListener()));
            } else {
                body = observer.tapStream(body);
            }
            boolean responsesApi = ex.dialect().map(d -> d.errorEventShape() == Dialect.ErrorEventShape.TYPED_ERROR_EVENT).orElse(false);
            long idleMillis = settings.upstream().idleTimeout().toMillis();
            body = body
                    .via(SseHeartbeat.flow(settings.server().heartbeatInterval()))
                    .via(ClientBody.flow(observer.bodyListener(true), ex.bodyEnd(),
                            Optional.of(t -> SseErrors.midStream(t, idleMillis, responsesApi))));
            return done(upstream.withHeaders(headers).withEntity(HttpEntities.createChunked(contentType, body)));
        }

        if (moderate && isJson(contentType)) {
            return entity.toStrict(Math.max(1, remaining.toMillis()), MAX_MODERATED_BODY, materializer)
                    .thenCompose(strict -> WholeResponseModeration.moderate(ex.dialect().get(), strict.getData().toArray(),
                            moderator.get(), options(ex), observer.moderationListener()))
                    .thenApply(result -> {
                        observer.ended(result.body().length, "ok");
                        return upstream.withStatus(result.unreadable() ? 502 : status) // fail closed: not released
                                .withHeaders(headers).withEntity(HttpEntities.create(contentType, result.body()));
                    });
        }

        if (entity instanceof akka.http.javadsl.model.HttpEntity.Strict strictEntity) {
            if (isJson(contentType)) observer.strictJson(strictEntity.getData());
            observer.ended(strictEntity.getData().size(), "ok");
            return done(upstream.withHeaders(headers));
        }
        Source<ByteString, NotUsed> upstreamBody = bytesOf(entity)
                .via(BodyDeadlines.flow(settings.upstream().idleTimeout(), remaining));
        if (isJson(contentType)) upstreamBody = observer.tapJson(upstreamBody);
        Source<ByteString, NotUsed> body = upstreamBody.via(ClientBody.flow(observer.bodyListener(false), ex.bodyEnd(),
                Optional.empty()));
        ResponseEntity streamed = entity.getContentLengthOption().isPresent()
                ? HttpEntities.create(contentType, entity.getContentLengthOption().getAsLong(), body)
                : HttpEntities.createChunked(contentType, body);
        return done(upstream.withHeaders(headers).withEntity(streamed));
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

    private static Source<ByteString, NotUsed> bytesOf(ResponseEntity entity) {
        return entity.getDataBytes().mapMaterializedValue(m -> NotUsed.getInstance());
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
