package modrelay.relay.routing;

import akka.http.javadsl.model.HttpResponse;
import java.util.Optional;

/**
 * What the router made of a request: an upstream's answer for response shaping, or a refusal it decided
 * itself. Failures (no upstream answered at all) complete the router's stage exceptionally instead, with
 * {@link modrelay.relay.upstream.UpstreamFailure.Exception} or the transport's own exception.
 */
public sealed interface Routed {

    /**
     * The chosen upstream's response, before any byte of it reached the client. Its body must be relayed or
     * cancelled. The router's own bookkeeping for it (least-in-flight counts) is already hooked on the
     * exchange's {@code BodyEnd}, which the caller runs once the client's body has ended, as for any response.
     *
     * @param response the upstream's response (Azure errors already in OpenAI's shape)
     * @param via      upstream and key alias for the logs ({@code primary/key#1(sk-…9x)}, {@code client}); never a key
     * @param model    the model the router read from a body the caller had not parsed, for the exchange
     */
    record Answered(HttpResponse response, String via, Optional<String> model) implements Routed {}

    /** An OpenAI-shaped answer the router decided (unknown model, every key cooling, no deployment): not from an upstream. */
    record Refused(HttpResponse response) implements Routed {}
}
