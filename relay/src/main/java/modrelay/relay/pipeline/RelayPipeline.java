package modrelay.relay.pipeline;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import modrelay.config.Settings;
import modrelay.moderation.FailMode;
import modrelay.moderation.Moderator;
import modrelay.moderation.Policy;
import modrelay.relay.access.ProxyKeyGuard;
import modrelay.relay.endpoint.UnmoderatedEndpoints;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.observability.AccessLog;
import modrelay.relay.observability.Observability;
import modrelay.relay.response.ResponseShaper;
import modrelay.relay.routing.UpstreamRouter;
import modrelay.relay.upstream.HeaderFilter;

/**
 * The relay's request path, in one place and in order. Each filter reads the exchange the earlier
 * ones built; a new rule is a new filter in this list:
 * <pre>
 *   canonical path (prefix, decoded once, ambiguous spellings refused)
 *   → admission (proxy key, sub-key) → endpoint rules (a sub-key's allowlist)
 *   → body (read once, bounded: model, flags, bytes for upstream)
 *   → moderation level (flags, floors, answer dialect)
 *   → model rules (sub-key, Azure deployments)
 *   → input moderation (newest user turn)
 *   → the relay's own model list (declared upstreams)
 *   → quota (spent before sending, settled on the answer) → router → response stages
 * </pre>
 * IP rules, CORS, health and metrics come before, in {@link modrelay.relay.http.Routes}. Every refusal
 * gets the request id and one access line here; answers get theirs when their body ends.
 */
public final class RelayPipeline {
    private final RequestPipeline pipeline;

    public RelayPipeline(Settings settings, ProxyKeyGuard guard, UpstreamRouter router, Policy policy, Optional<Moderator> moderator,
            Materializer materializer, Observability observability) {
        HeaderFilter headers = new HeaderFilter(settings.server().hopHeaderPrefix());
        ResponseShaper shaper = new ResponseShaper(settings, headers, moderator, materializer, observability);
        long maxRequestBytes = settings.server().maxRequestBytes();
        RequestPipeline.Refusals refusals = (ex, response, outcome) -> refused(ex, response, outcome, maxRequestBytes, materializer);
        FailMode failMode = FailMode.of(settings.moderation().failMode());
        List<RequestFilter> filters = List.of(
                new CanonicalPathFilter(settings.server().routePrefix()),
                new AdmissionFilter(guard, router::hasServerKeys),
                new EndpointRulesFilter(),
                new BodyFilter(settings.server().maxJsonBytes(), settings.server().maxRequestBytes(),
                        settings.upstream().firstByteTimeout(), new BodyBudget(settings.server().bodyBudgetBytes()),
                        observability.chatLog().enabled(), materializer),
                new ModerationLevelFilter(policy, moderator.isPresent(),
                        UnmoderatedEndpoints.parse(settings.moderation().unmoderatedEndpoints())),
                new ModelRulesFilter(router::modelOfDeployment),
                new InputModerationFilter(moderator, settings.moderation().moderateInput(), failMode, observability.moderationEvents()),
                new ModelsFilter(router::models));
        Forward forward = new Forward(router, shaper, headers, refusals, settings.server().maxRequestBytes(), materializer);
        Function<Exchange, CompletionStage<HttpResponse>> quotaThenForward = ex -> forward.raceForm(ex, ex.inbound().admission()
                .spend(Reservations.of(ex, settings.usage()), () -> forward.apply(ex),
                        r -> CompletableFuture.completedFuture(refusals.answer(ex, r))));
        this.pipeline = new RequestPipeline(filters, quotaThenForward, refusals);
    }

    /**
     * A body the relay refused before reading it is read and dropped (bounded by MAX_REQUEST_BYTES, never held):
     * a client still uploading then reads the refusal instead of a connection reset. A body declared larger
     * than the relay takes is not read: that connection closes after the answer.
     */
    private static void discardUnreadBody(Exchange ex, long maxRequestBytes, Materializer materializer) {
        akka.http.javadsl.model.RequestEntity entity = ex.inbound().http().entity();
        if (entity.isStrict() || ex.inbound().body() instanceof modrelay.relay.exchange.UpstreamBody.Json) return;
        java.util.OptionalLong declared = entity.getContentLengthOption();
        if (declared.isPresent() && declared.getAsLong() > maxRequestBytes) return;
        try {
            entity.withSizeLimit(maxRequestBytes).getDataBytes().runWith(akka.stream.javadsl.Sink.ignore(), materializer);
        } catch (RuntimeException alreadyRead) {
            // the body was read (a form watched as it streamed): nothing to drop
        }
    }

    public CompletionStage<HttpResponse> run(Exchange arriving) {
        return pipeline.run(arriving);
    }

    private static HttpResponse refused(Exchange ex, HttpResponse response, String outcome, long maxRequestBytes,
            Materializer materializer) {
        discardUnreadBody(ex, maxRequestBytes, materializer);
        AccessLog.log(ex, response.status().intValue(), 0, outcome, "-");
        return response.addHeader(RawHeader.create("X-Request-Id", ex.requestId()));
    }
}
