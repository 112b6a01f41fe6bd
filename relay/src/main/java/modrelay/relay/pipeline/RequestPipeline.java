package modrelay.relay.pipeline;

import akka.http.javadsl.model.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import modrelay.relay.exchange.Exchange;

/**
 * Runs request filters in order, then the terminal (router and response shaping). Synchronous
 * filters cost no future: the chain only goes asynchronous where a filter returns {@link Step.Later}.
 * A {@link Step.Respond} ends the chain; {@code refused} then gives the client's answer (the request
 * id and the access line are added there, once, for every refusal).
 */
public final class RequestPipeline {
    /** Turns a refusal into the client's answer. */
    @FunctionalInterface
    public interface Refusals {
        /**
         * @param outcome how the access line names it: "rejected" (a filter said no) or "error" (the exchange failed)
         * @return the answer, once the part of the request body nobody read has been dropped
         */
        CompletionStage<HttpResponse> answer(Exchange exchange, HttpResponse refusal, String outcome);

        default CompletionStage<HttpResponse> answer(Exchange exchange, HttpResponse refusal) {
            return answer(exchange, refusal, "rejected");
        }
    }

    private final RequestFilter[] filters;
    private final Function<Exchange, CompletionStage<HttpResponse>> terminal;
    private final Refusals refused;

    public RequestPipeline(List<RequestFilter> filters, Function<Exchange, CompletionStage<HttpResponse>> terminal,
            Refusals refused) {
        this.filters = filters.toArray(RequestFilter[]::new);
        this.terminal = terminal;
        this.refused = refused;
    }

    public CompletionStage<HttpResponse> run(Exchange ex) {
        return from(0, ex);
    }

    private CompletionStage<HttpResponse> from(int index, Exchange ex) {
        Exchange current = ex;
        for (int i = index; i < filters.length; i++) {
            Step step = filters[i].apply(current);
            if (step instanceof Step.Continue c) {
                current = c.exchange();
            } else if (step instanceof Step.Respond r) {
                return refused.answer(r.exchange(), r.response(), r.outcome());
            } else {
                int next = i + 1;
                return ((Step.Later) step).step().thenCompose(s -> resume(next, s));
            }
        }
        return terminal.apply(current);
    }

    private CompletionStage<HttpResponse> resume(int next, Step step) {
        if (step instanceof Step.Continue c) return from(next, c.exchange());
        if (step instanceof Step.Respond r) return refused.answer(r.exchange(), r.response(), r.outcome());
        return ((Step.Later) step).step().thenCompose(s -> resume(next, s));
    }
}
