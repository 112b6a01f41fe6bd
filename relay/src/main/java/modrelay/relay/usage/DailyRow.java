package modrelay.relay.usage;

import java.util.Optional;

/**
 * Counters of one (day, sub-key, model): a batch's sum as it is written ({@link DailyTally#row}), a row of the report after.
 *
 * @param key the sub-key id, "" for the proxy key
 */
public record DailyRow(String day, String key, String model, long requests, long prompt, long completion, long cached, long reasoning,
        long estimated, Optional<Double> cost) {

    /** Two rows' sum (the report's grouping): this row's day, key and model. */
    DailyRow plus(DailyRow o) {
        Optional<Double> c = cost.isEmpty() ? o.cost : o.cost.isEmpty() ? cost : Optional.of(cost.get() + o.cost.get());
        return new DailyRow(day, key, model, requests + o.requests, prompt + o.prompt, completion + o.completion,
                cached + o.cached, reasoning + o.reasoning, estimated + o.estimated, c);
    }

    /** What a batch sums by. */
    record Key(String day, String key, String model) {}
}
