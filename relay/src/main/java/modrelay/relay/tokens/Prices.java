package modrelay.relay.tokens;

import modrelay.config.UsageSettings;

/** What tokens cost at a price per million input and output tokens. Pure. */
public final class Prices {
    private Prices() {}

    public static double cost(UsageSettings.Price p, Usage u) {
        return cost(p, u.prompt(), u.completion());
    }

    public static double cost(UsageSettings.Price p, long prompt, long completion) {
        return (prompt * p.inputPerMillion() + completion * p.outputPerMillion()) / 1_000_000.0;
    }
}
