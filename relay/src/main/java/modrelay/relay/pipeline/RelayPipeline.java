package modrelay.relay.pipeline;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import java.util.List;
import java.util.Optional;
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
        UnreadBody unread = new UnreadBody(settings.server().maxRequestBytes(), settings.upstream().firstByteTimeout(), materializer);
        RequestPipeline.Refusals refusals = (ex, response, outcome) -> refused(ex, response, outcome, unread);
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
                        r -> refusals.answer(ex, r)));
        this.pipeline = new RequestPipeline(filters, quotaThenForward, refusals);
    }

    public CompletionStage<HttpResponse> run(Exchange arriving) {
        return pipeline.run(arriving);
    }

    /** The access line is written when the answer is decided; the answer goes out once the unread body has ended. */
    private static CompletionStage<HttpResponse> refused(Exchange ex, HttpResponse response, String outcome, UnreadBody unread) {
        AccessLog.log(ex, response.status().intValue(), 0, outcome, "-");
        HttpResponse answer = response.addHeader(RawHeader.create("X-Request-Id", ex.requestId()));
        return unread.drop(ex).thenApply(dropped -> answer);
    }
}
