package modrelay.relay.usage;

import java.util.Optional;
import modrelay.relay.tokens.UsageRecord;

/**
 * Counters of one (day, sub-key, model): a batch's sum before it is written, a row of the report after.
 *
 * @param key the sub-key id, "" for the proxy key
 */
public record DailyRow(String day, String key, String model, long requests, long prompt, long completion, long cached, long reasoning,
        long estimated, Optional<Double> cost) {

    /** @param day the record's UTC day (yyyy-MM-dd) */
    static DailyRow of(UsageRecord r, String day) {
        return new DailyRow(day, r.subKey().orElse(""), r.model(), 1, r.usage().prompt(),
                r.usage().completion(), r.usage().cached(), r.usage().reasoning(), r.usage().estimated() ? 1 : 0, r.cost());
    }

    DailyRow plus(DailyRow o) {
        Optional<Double> c = cost.isEmpty() ? o.cost : o.cost.isEmpty() ? cost : Optional.of(cost.get() + o.cost.get());
        return new DailyRow(day, key, model, requests + o.requests, prompt + o.prompt, completion + o.completion,
                cached + o.cached, reasoning + o.reasoning, estimated + o.estimated, c);
    }

    record Key(String day, String key, String model) {}

    Key id() {
        return new Key(day, key, model);
    }
}
