package modrelay.relay.pipeline;

import java.util.Optional;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.routing.ModelsEndpoint;

/**
 * {@code GET /v1/models} (and one model) answered by the relay itself when upstreams are declared: the
 * union of what they serve, as the model catalog last published it. Listing costs no quota.
 */
final class ModelsFilter implements RequestFilter {
    private final java.util.function.Supplier<Optional<ModelsEndpoint>> models;

    /** @param models read per request: upstreams may change live (and with them whether the relay lists models) */
    ModelsFilter(java.util.function.Supplier<Optional<ModelsEndpoint>> models) {
        this.models = models;
    }

    @Override
    public Step apply(Exchange ex) {
        if (!ModelsEndpoint.serves(ex.inbound().http().method(), ex.pathOnly())) return Step.next(ex);
        Optional<ModelsEndpoint> now = models.get();
        return now.isEmpty() ? Step.next(ex) : Step.answer(ex, now.get().answer(ex.pathOnly()));
    }
}
