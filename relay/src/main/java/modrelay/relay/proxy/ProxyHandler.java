package modrelay.relay.proxy;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RequestEntity;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.stream.Materializer;
import akka.stream.StreamTcpException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import modrelay.config.Settings;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.Moderator;
import modrelay.moderation.Policy;
import modrelay.moderation.text.Dialect;
import modrelay.relay.access.Admission;
import modrelay.relay.access.ClientCredentials;
import modrelay.relay.access.ModelCheck;
import modrelay.relay.access.ProxyKeyGuard;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.logging.AccessLog;
import modrelay.relay.logging.Observability;
import modrelay.relay.routing.AzurePaths;
import modrelay.relay.routing.UpstreamRouter;
import modrelay.relay.upstream.HeaderFilter;
import modrelay.relay.upstream.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the relay, as a chain of small steps: admit (proxy key) → read the body only
 * when it must be rewritten → choose the moderation level → route ({@link UpstreamRouter}: upstream by
 * model, key, and the next one if it failed before any byte reached the client) → shape the response.
 */
public final class ProxyHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

    private final Settings settings;
    private final ProxyKeyGuard guard;
    private final UpstreamRouter router;
    private final HeaderFilter headerFilter;
    private final Policy policy;
    private final Optional<Moderator> moderator;
    private final Materializer materializer;
    private final ResponseShaper shaper;
    private final Observability observability;
    private final InFlight inFlight = new InFlight();

    /** @param router picks the upstream (and key) of each request and falls back to the next (several upstreams) */
    public ProxyHandler(Settings settings, ProxyKeyGuard guard, UpstreamRouter router,
            Policy policy, Optional<Moderator> moderator, Materializer materializer, Observability observability) {
        this.settings = settings;
        this.guard = guard;
        this.router = router;
        this.headerFilter = new HeaderFilter(settings.server().hopHeaderPrefix());
        this.policy = policy;
        this.moderator = moderator;
        this.materializer = materializer;
        this.observability = observability;
        this.shaper = new ResponseShaper(settings, headerFilter, moderator, materializer, observability);
    }

    /**
     * @param pathAndQuery the request's path after the route prefix, with its raw query
     * @param clientIp     the socket's peer address (never X-Forwarded-For: that can be forged)
     * @param requestId    the id the client gets back ({@link RequestIds}), for the logs and the chat log
     */
    public CompletionStage<HttpResponse> handle(HttpRequest request, String pathAndQuery, String clientIp, String requestId) {
        inFlight.begin();
        BodyEnd end = new BodyEnd();
        end.add(inFlight::end);
        return exchange(request, pathAndQuery, clientIp, requestId, end).handle((response, error) -> {
            if (error != null) {
                end.run();
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            if (response.entity().isStrict()) {
                end.run();
                return response;
            }
            // Streamed bodies end in the shaper's ClientBody stage; anything else is watched here.
            return end.attached() ? response : ResponseEnd.whenSent(response, end::run);
        });
    }

    /** Exchanges from arrival until their response body has ended (graceful shutdown waits for them). */
    public InFlight inFlight() {
        return inFlight;
    }

    private CompletionStage<HttpResponse> exchange(HttpRequest request, String pathAndQuery, String clientIp, String requestId,
            BodyEnd end) {
        long start = System.nanoTime();
        ClientCredentials credentials = ClientCredentials.parse(header(request, "authorization"), header(request, "api-key"),
                header(request, "x-proxy-key"), guard.requiresKey(), router.hasServerKeys());
        Admission admission = guard.admission(credentials.proxyKey());
        Exchange ex = new Exchange(requestId, admission.client(), clientIp, request.method().value(), pathAndQuery,
                Optional.empty(), ModerationLevel.OFF, Optional.empty(), start, akka.util.ByteString.emptyByteString(), end);
        if (admission instanceof Admission.Refused refused) return reject(ex, refused.error().response());
        // On an Azure path the deployment in the path is the model (the body names none), so a sub-key's model rules
        // must see it: else such a key reaches every deployment. Checked before any body is read, whatever the method.
        if (admission.checksModels() && !AzurePaths.canonical(ex.pathOnly())) {
            return reject(ex, OpenAiError.invalidParameter("This key may use only some models, so Azure-style paths must be "
                    + "spelled /openai/deployments/<deployment>/... (lower case, no empty segments).", "unsupported_path")
                    .response());
        }
        Optional<String> deploymentModel = admission.checksModels()
                ? AzurePaths.deploymentOf(ex.pathOnly()).map(router::modelOfDeployment)
                : Optional.empty();
        Optional<OpenAiError> deploymentRefused = admission.modelRefusal(deploymentModel);
        if (deploymentRefused.isPresent()) return reject(ex, deploymentRefused.get().response());

        RequestEntity entity = request.entity();
        long max = settings.server().maxRequestBytes();
        OptionalLong declared = entity.getContentLengthOption();
        if (declared.isPresent() && declared.getAsLong() > max) return reject(ex, OpenAiError.tooLarge(max).response());

        Optional<Dialect> dialect = request.method().equals(HttpMethods.POST) && isJson(entity.getContentType())
                ? Dialect.forPath(ex.pathOnly())
                : Optional.empty();
        if (dialect.isEmpty()) {
            if (admission.checksModels() && request.method().equals(HttpMethods.POST)) {
                // A sub-key limited to some models: read the model, JSON or form, without buffering uploads.
                return ModelCheck.check(entity, admission, max, settings.upstream().firstByteTimeout(), materializer)
                        .thenCompose(checked -> checked.refusal().isPresent()
                                ? reject(ex, checked.refusal().get().response())
                                : checked.race(admission.spend(() -> forward(request, ex, new UpstreamBody.Streamed(checked.entity()),
                                        credentials, Optional.empty()), r -> reject(ex, r)), r -> reject(ex, r), materializer))
                        .exceptionally(e -> failed(ex, e));
            }
            // Not a body the relay must rewrite: stream it through untouched (uploads are never buffered whole).
            return admission.spend(() -> forward(request, ex, new UpstreamBody.Streamed((RequestEntity) entity.withSizeLimit(max)),
                            credentials, Optional.empty()), r -> reject(ex, r))
                    .exceptionally(e -> failed(ex, e));
        }
        return strictBody(entity, max)
                .thenCompose(strict -> {
                    JsonRequest json;
                    ModerationLevel level;
                    try {
                        json = JsonRequest.parse(strict.getData().toArray());
                        level = policy.resolve(json.moderation(), json.moderationLevel()).atLeast(admission.floor());
                    } catch (JsonRequest.Invalid invalid) {
                        OpenAiError err = invalid.syntax()
                                ? OpenAiError.badJson(invalid.getMessage())
                                : OpenAiError.invalidParameter(invalid.getMessage(), "invalid_moderation_flag");
                        return reject(ex, err.response());
                    } catch (Policy.InvalidLevel bad) {
                        return reject(ex, OpenAiError.invalidParameter(bad.getMessage(), "invalid_moderation_level").response());
                    }
                    Optional<OpenAiError> modelRefused = admission.modelRefusal(json.model());
                    if (modelRefused.isPresent()) return reject(ex, modelRefused.get().response());
                    if (level != ModerationLevel.OFF && moderator.isEmpty()) {
                        return reject(ex, OpenAiError.invalidParameter(
                                "Moderation was requested but this relay has no moderator configured.", "moderation_unavailable")
                                .response());
                    }
                    UpstreamBody body = new UpstreamBody.Bytes(strict.getContentType(), akka.util.ByteString.fromArray(json.upstreamBody()));
                    // For the logs: on an Azure path, the deployment's model. It moves no request: the router's /openai/
                    // branch goes by the path, and a lone catch-all upstream renames nothing.
                    Optional<String> model = deploymentModel.or(json::model);
                    Exchange judged = ex.withModeration(dialect, level, model).withStream(json.stream());
                    Exchange moderated = observability.chatLog().enabled()
                            ? judged.withRequestJson(((UpstreamBody.Bytes) body).bytes())
                            : judged;
                    return admission.spend(() -> forward(request, moderated, body, credentials, Optional.empty()),
                            r -> reject(moderated, r));
                })
                .exceptionally(e -> failed(ex, e));
    }

    private CompletionStage<HttpResponse> forward(HttpRequest request, Exchange ex, UpstreamBody body,
            ClientCredentials credentials, Optional<Integer> avoidKey) {
        // The router picks upstream and key, and moves on to the next on a failure before any byte reached the client.
        return router.forward(request.method(), ex, body, forwardedHeaders(request, ex), credentials.upstreamKey(),
                shaper::shape, r -> reject(ex, r));
    }

    private List<HttpHeader> forwardedHeaders(HttpRequest request, Exchange ex) {
        Set<String> connection = HeaderFilter.connectionTokens(header(request, "connection").orElse(""));
        List<HttpHeader> headers = new ArrayList<>();
        for (HttpHeader h : request.getHeaders()) {
            if (headerFilter.forwardUpstream(h.lowercaseName(), connection, ex.moderated())) headers.add(h);
        }
        return headers;
    }

    private HttpResponse failed(Exchange ex, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        OpenAiError err;
        if (e instanceof UpstreamFailure.Exception f && f.failure() instanceof UpstreamFailure.FirstByteTimeout t) {
            err = OpenAiError.upstreamTimeout(t.describe());
        } else if (e instanceof EntityStreamSizeException) {
            err = OpenAiError.tooLarge(settings.server().maxRequestBytes());
        } else if (e instanceof StreamTcpException || e instanceof java.net.ConnectException) {
            err = OpenAiError.upstreamUnreachable("the connection to the upstream failed");
        } else if (e instanceof java.util.concurrent.TimeoutException) {
            err = OpenAiError.upstreamTimeout("reading the request or response took too long");
        } else {
            LOG.warn("request_id={} relay failure: {}", ex.requestId(), e.toString());
            err = OpenAiError.upstreamUnreachable("the upstream exchange failed");
        }
        HttpResponse r = err.response();
        AccessLog.log(ex, r.status().intValue(), 0, "error", "-");
        return withRequestId(r, ex);
    }

    private static CompletionStage<HttpResponse> reject(Exchange ex, HttpResponse response) {
        AccessLog.log(ex, response.status().intValue(), 0, "rejected", "-");
        return CompletableFuture.completedFuture(withRequestId(response, ex));
    }

    private static HttpResponse withRequestId(HttpResponse r, Exchange ex) {
        return r.addHeader(akka.http.javadsl.model.headers.RawHeader.create("X-Request-Id", ex.requestId()));
    }

    /**
     * The whole body. Most JSON bodies arrive whole with their headers: those are used as they are
     * (running a stream to "read" them cost ~13% of the relay's CPU per request).
     */
    private CompletionStage<akka.http.javadsl.model.HttpEntity.Strict> strictBody(RequestEntity entity, long max) {
        if (entity instanceof akka.http.javadsl.model.HttpEntity.Strict strict) {
            return CompletableFuture.completedFuture(strict);
        }
        return entity.toStrict(settings.upstream().firstByteTimeout().toMillis(), max, materializer);
    }


    private static Optional<String> header(HttpRequest request, String name) {
        return request.getHeader(name).map(HttpHeader::value);
    }

    private static boolean isJson(ContentType ct) {
        return ResponseShaper.isJson(ct);
    }

}
