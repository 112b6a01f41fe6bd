package modrelay.relay.usage;

import java.time.Clock;
import java.util.Optional;
import modrelay.config.UsageSettings;
import modrelay.relay.access.Admission;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.metrics.RelayMetrics;
import modrelay.relay.request.JsonBody;
import modrelay.relay.tokens.Usage;
import modrelay.relay.tokens.UsageRecord;
import modrelay.relay.tokens.UsageTrace;
import modrelay.relay.tokens.Prices;

/**
 * Turns an exchange's {@link UsageTrace} into its one {@link UsageRecord} when its body has ended: the
 * usage as reported or counted, priced from PRICES, counted in the metrics and queued for the database.
 * One per relay. Called on the body's thread; nothing here waits.
 */
public final class UsageAccounting {
    private final UsageSettings settings;
    private final Optional<UsageRecorder> recorder;
    private final RelayMetrics metrics;
    private final Clock clock;

    public UsageAccounting(UsageSettings settings, Optional<UsageRecorder> recorder, RelayMetrics metrics, Clock clock) {
        this.settings = settings;
        this.recorder = recorder;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Accounting off: no trace records anything, nothing is written. */
    public static UsageAccounting off(RelayMetrics metrics) {
        return new UsageAccounting(new UsageSettings(false, 1, java.time.Duration.ofSeconds(1), java.util.Map.of(), false),
                Optional.empty(), metrics, Clock.systemUTC());
    }

    /** A new exchange's trace. */
    public UsageTrace trace() {
        return settings.enabled() ? UsageTrace.on() : UsageTrace.off();
    }

    public Optional<UsageRecorder> recorder() {
        return recorder;
    }

    /**
     * The exchange's usage, once its body has ended; empty when it has none to record (accounting off, an
     * endpoint without tokens, an answer other than 2xx).
     */
    public Optional<UsageRecord> close(Exchange ex, int status, String moderationOutcome) {
        if (!ex.metered() || status < 200 || status >= 300) return Optional.empty();
        UsageTrace trace = ex.usage();
        String model = ex.model().orElse("");
        Usage usage = trace.resolve(model, ex.dialect(), () -> ex.inbound().json().map(JsonBody::upstream).orElse(new byte[0]));
        Optional<String> subKey = ex.inbound().admission() instanceof Admission.Sub s ? Optional.of(s.key().id()) : Optional.empty();
        Optional<Double> cost = settings.priceOf(model).map(p -> Prices.cost(p, usage));
        UsageRecord r = new UsageRecord(clock.instant(), subKey, model, trace.upstream(), usage, moderationOutcome, cost);
        trace.recorded(r);
        metrics.tokens(model, trace.upstream(), settings.metricsSubKey() ? subKey.orElse("-") : null, usage.prompt(),
                usage.completion(), usage.cached(), usage.reasoning(), usage.estimated());
        recorder.ifPresent(w -> w.offer(r));
        return Optional.of(r);
    }
}
