package modrelay.relay.pipeline;

import akka.http.javadsl.model.HttpResponse;
import java.util.concurrent.CompletionStage;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;

/** What a request filter decided: go on with this exchange, answer now, or decide later. */
public sealed interface Step {

    /** The next filter gets this exchange (the same one, or one that knows more). */
    record Continue(Exchange exchange) implements Step {}

    /**
     * The client gets this answer; nothing goes upstream. {@code exchange} is what the filter knew (for the log);
     * {@code outcome} names it in the access line: "rejected" for a refusal, "ok" for an answer the relay gives itself.
     */
    record Respond(Exchange exchange, HttpResponse response, String outcome) implements Step {}

    /** The decision needs I/O (reading the body, asking an actor, a moderation call). */
    record Later(CompletionStage<Step> step) implements Step {}

    static Step next(Exchange ex) {
        return new Continue(ex);
    }

    static Step refuse(Exchange ex, OpenAiError error) {
        return new Respond(ex, error.response(), "rejected");
    }

    static Step refuse(Exchange ex, HttpResponse response) {
        return new Respond(ex, response, "rejected");
    }

    /** The relay answers the request itself (its own model list). */
    static Step answer(Exchange ex, HttpResponse response) {
        return new Respond(ex, response, "ok");
    }

    static Step later(CompletionStage<Step> step) {
        return new Later(step);
    }
}
