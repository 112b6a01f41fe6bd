package modrelay.relay.pipeline;

import modrelay.relay.exchange.Exchange;

/**
 * One step of the request path, unaware of the others (Envoy's filter chain in small): it reads the
 * exchange the earlier filters built and continues with it, answers the client, or decides later.
 * A new rule is a new filter, placed in {@link RelayPipeline}'s one list.
 */
@FunctionalInterface
public interface RequestFilter {
    Step apply(Exchange exchange);
}
