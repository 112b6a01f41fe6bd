package modrelay.relay.pipeline;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.stream.Materializer;
import akka.stream.StreamTcpException;
import akka.stream.javadsl.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.response.ResponseShaper;
import modrelay.relay.routing.Routed;
import modrelay.relay.routing.UpstreamRouter;
import modrelay.relay.upstream.HeaderFilter;
import modrelay.relay.upstream.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the request path: the router picks upstream and key (and the next one if it failed before
 * any byte reached the client), the response stages shape the answer. A form whose model turns out to be
 * refused while it streams wins over the upstream's answer, which is then cancelled.
 */
final class Forward implements Function<Exchange, CompletionStage<HttpResponse>> {
    private static final Logger LOG = LoggerFactory.getLogger(Forward.class);

    private final UpstreamRouter router;
    private final ResponseShaper shaper;
    private final HeaderFilter headerFilter;
    private final RequestPipeline.Refusals refusals;
    private final long maxRequestBytes;
    private final Materializer materializer;

    Forward(UpstreamRouter router, ResponseShaper shaper, HeaderFilter headerFilter, RequestPipeline.Refusals refusals,
            long maxRequestBytes, Materializer materializer) {
        this.router = router;
        this.shaper = shaper;
        this.headerFilter = headerFilter;
        this.refusals = refusals;
        this.maxRequestBytes = maxRequestBytes;
        this.materializer = materializer;
    }

    @Override
    public CompletionStage<HttpResponse> apply(Exchange ex) {
        HttpRequest request = ex.inbound().http();
        return router.forward(request.method(), ex, ex.inbound().body(), forwardedHeaders(request, ex), ex.inbound().upstreamKey())
                .thenCompose(routed -> {
                    if (routed instanceof Routed.Refused refused) {
                        return refusals.answer(ex, refused.response());
                    }
                    Routed.Answered answered = (Routed.Answered) routed;
                    return shaper.shape(answered.response(), ex, answered.via());
                })
                .exceptionallyCompose(e -> failed(ex, e));
    }

    private List<HttpHeader> forwardedHeaders(HttpRequest request, Exchange ex) {
        Set<String> connection = HeaderFilter.connectionTokens(request.getHeader("connection").map(HttpHeader::value).orElse(""));
        List<HttpHeader> headers = new ArrayList<>();
        for (HttpHeader h : request.getHeaders()) {
            if (headerFilter.forwardUpstream(h.lowercaseName(), connection, ex.moderated())) headers.add(h);
        }
        return headers;
    }

    /**
     * The upstream's answer, unless the streaming form named a refused model first; a late answer is cancelled.
     * Outside the quota: a form refused while it streamed uses nothing.
     */
    CompletionStage<HttpResponse> raceForm(Exchange ex, CompletionStage<HttpResponse> sent) {
        if (ex.inbound().laterRefusal().isEmpty()) return sent;
        CompletableFuture<OpenAiError> refused = ex.inbound().laterRefusal().get();
        CompletableFuture<HttpResponse> result = new CompletableFuture<>();
        refused.thenCompose(err -> refusals.answer(ex, err.response())).thenAccept(result::complete);
        sent.whenComplete((r, e) -> {
            if (e != null) {
                if (!refused.isDone()) result.completeExceptionally(e);
            } else if (refused.isDone() || !result.complete(r)) {
                r.entity().getDataBytes().runWith(Sink.cancelled(), materializer);
            }
        });
        return result;
    }

    private CompletionStage<HttpResponse> failed(Exchange ex, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        OpenAiError err;
        if (e instanceof UpstreamFailure.Exception f && f.failure() instanceof UpstreamFailure.FirstByteTimeout t) {
            err = OpenAiError.upstreamTimeout(t.describe());
        } else if (e instanceof EntityStreamSizeException) {
            err = OpenAiError.tooLarge(maxRequestBytes);
        } else if (e instanceof StreamTcpException || e instanceof java.net.ConnectException) {
            err = OpenAiError.upstreamUnreachable("the connection to the upstream failed");
        } else if (e instanceof UpstreamFailure.Exception f) {
            err = OpenAiError.upstreamUnreachable(f.failure().describe());
        } else if (e instanceof java.util.concurrent.TimeoutException) {
            err = OpenAiError.upstreamTimeout("reading the request or response took too long");
        } else {
            LOG.warn("request_id={} relay failure: {}", ex.requestId(), e.toString());
            err = OpenAiError.upstreamUnreachable("the upstream exchange failed");
        }
        return refusals.answer(ex, err.response(), "error");
    }

}
