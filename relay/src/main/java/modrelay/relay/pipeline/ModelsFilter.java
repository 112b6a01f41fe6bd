package modrelay.relay.pipeline;

import java.util.Optional;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.routing.ModelsEndpoint;

/**
 * {@code GET /v1/models} (and one model) answered by the relay itself when upstreams are declared: the
 * union of what they serve, as the model catalog last published it. Listing costs no quota.
 */
final class ModelsFilter implements RequestFilter {
    private final Optional<ModelsEndpoint> models;

    ModelsFilter(Optional<ModelsEndpoint> models) {
        this.models = models;
    }

    @Override
    public Step apply(Exchange ex) {
        if (models.isEmpty() || !ModelsEndpoint.serves(ex.inbound().http().method(), ex.pathOnly())) return Step.next(ex);
        return Step.answer(ex, models.get().answer(ex.pathOnly()));
    }
}
