package modrelay.relay.usage;

import java.util.Optional;
import modrelay.relay.tokens.UsageRecord;

/**
 * The running sum of one (day, sub-key, model) in a batch that waits for the database: counters added to in place
 * (the writer thread only), so a record costs no new row; {@link #row} gives what is written.
 */
final class DailyTally {
    private final DailyRow.Key id;
    private long requests;
    private long prompt;
    private long completion;
    private long cached;
    private long reasoning;
    private long estimated;
    private boolean priced;
    private double cost;

    DailyTally(DailyRow.Key id) {
        this.id = id;
    }

    void add(UsageRecord r) {
        requests++;
        prompt += r.usage().prompt();
        completion += r.usage().completion();
        cached += r.usage().cached();
        reasoning += r.usage().reasoning();
        if (r.usage().estimated()) estimated++;
        if (r.cost().isPresent()) {
            priced = true;
            cost += r.cost().get();
        }
    }

    /** The sum as a row: its cost empty when no record in it had a price. */
    DailyRow row() {
        return new DailyRow(id.day(), id.key(), id.model(), requests, prompt, completion, cached, reasoning, estimated,
                priced ? Optional.of(cost) : Optional.empty());
    }
}
