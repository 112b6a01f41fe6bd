package modrelay.relay.pipeline;

import java.util.Optional;
import modrelay.config.UsageSettings;
import modrelay.relay.access.Reservation;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.request.JsonBody;
import modrelay.relay.tokens.Prices;
import modrelay.relay.tokens.PromptText;

/**
 * What a request reserves of its key's budgets: for a key with token or spend limits, the estimate of
 * its prompt (the relay's tokenizer on the request as sent upstream) plus its own cap on output, and the
 * price of that; settled at the end of its body with the exchange's usage record. Requests without
 * counted tokens (accounting off, endpoints without usage) reserve nothing and settle nothing.
 */
final class Reservations {
    private Reservations() {}

    static Reservation of(Exchange ex, UsageSettings usage) {
        if (!ex.metered()) return Reservation.none();
        long tokens = 0;
        double cost = 0;
        if (ex.inbound().admission().budgeted()) {
            String model = ex.model().orElse("");
            byte[] body = ex.inbound().json().map(JsonBody::upstream).orElse(new byte[0]);
            PromptText.Read read = PromptText.read(body);
            long prompt = modrelay.relay.tokens.TokenCounter.count(model, read.text());
            tokens = prompt + read.maxOutput();
            Optional<UsageSettings.Price> price = usage.priceOf(model);
            if (price.isPresent()) cost = Prices.cost(price.get(), prompt, read.maxOutput());
        }
        return new Reservation(tokens, cost, ex.bodyEnd()::add, () -> ex.usage().record()
                .map(r -> new Reservation.Spent(r.usage().total(), r.cost().orElse(0.0))));
    }
}
