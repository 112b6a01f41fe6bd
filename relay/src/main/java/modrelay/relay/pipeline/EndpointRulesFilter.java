package modrelay.relay.pipeline;

import java.util.Optional;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;

/**
 * A sub-key's endpoint allowlist, before its body is read: a tenant reaches only the endpoint groups
 * it was granted (files, batches, assistants… are not in the defaults), and a quota-limited key cannot
 * start work that fans out into many model calls (a batch).
 */
final class EndpointRulesFilter implements RequestFilter {
    @Override
    public Step apply(Exchange ex) {
        Optional<OpenAiError> refusal = ex.inbound().admission().endpointRefusal(ex.inbound().endpoint());
        return refusal.isPresent() ? Step.refuse(ex, refusal.get()) : Step.next(ex);
    }
}
