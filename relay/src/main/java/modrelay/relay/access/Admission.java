package modrelay.relay.access;

import akka.http.javadsl.model.HttpResponse;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import modrelay.moderation.ModerationLevel;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.RequestModel;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.request.BodyEdit;

/**
 * Who a request is, once its key was checked, and what that means for it: a proxy key (or an open
 * relay) may do anything; a sub-key brings its model rules, its moderation floor and its quota.
 */
public sealed interface Admission {

    /** The name in logs: "key-1", "open", "sub:key_…", or "-" when refused. Never a secret. */
    String client();

    /** The moderation level this client's requests get at least. */
    default ModerationLevel floor() {
        return ModerationLevel.OFF;
    }

    /** Whether requests must be read for their {@code model} even when the relay would stream them through. */
    default boolean checksModels() {
        return false;
    }

    /**
     * Why this client may not use the endpoint at all (403 {@code endpoint_not_allowed}), or empty.
     * Check it before reading the body: it needs only the method and path.
     */
    default Optional<OpenAiError> endpointRefusal(Endpoint endpoint) {
        return Optional.empty();
    }

    /**
     * Why the request's model is refused for this client (403 {@code model_not_allowed} or
     * {@code model_required}), or empty.
     *
     * @param endpoint   {@code Endpoints.classify(method, canonicalPath)}
     * @param body       the canonical request's model
     * @param deployment on an Azure path, the model its deployment stands for:
     *                   {@code Endpoints.deployment(canonicalPath).map(router::modelOfDeployment)}
     */
    default Optional<OpenAiError> modelRefusal(Endpoint endpoint, RequestModel body, Optional<String> deployment) {
        return Optional.empty();
    }

    /**
     * Sends the request if the client may spend one now. {@code reject} turns a refusal (quota,
     * rate limit) into the response the client gets.
     */
    default CompletionStage<HttpResponse> spend(Supplier<CompletionStage<HttpResponse>> send,
            Function<HttpResponse, CompletionStage<HttpResponse>> reject) {
        return send.get();
    }

    /** As {@link #spend(Supplier, Function)}, admitting on {@code reservation} and settling with what was used. */
    default CompletionStage<HttpResponse> spend(Reservation reservation, Supplier<CompletionStage<HttpResponse>> send,
            Function<HttpResponse, CompletionStage<HttpResponse>> reject) {
        return spend(send, reject);
    }

    /** Whether this client's requests must be admitted on an estimate of their tokens. */
    default boolean budgeted() {
        return false;
    }

    /**
     * What this client's key changes in a JSON body on {@code endpoint} before it goes upstream (a sub-key binding's
     * defaults and caps; generation endpoints only, where they mean generation settings).
     */
    default BodyEdit bodyEdit(Endpoint endpoint) {
        return BodyEdit.NONE;
    }

    /** The upstream (by name) this client's requests must go to, or empty: routed by model. */
    default Optional<String> pinnedUpstream() {
        return Optional.empty();
    }

    /**
     * The model a JSON body on {@code endpoint} is routed and sent as instead of the one it names ({@code body}),
     * or empty (see {@link ModelPin#forJson}).
     */
    default Optional<String> pinnedModel(Endpoint endpoint, RequestModel body) {
        return Optional.empty();
    }

    record ProxyKey(String client) implements Admission {}

    record Refused(OpenAiError error) implements Admission {
        public String client() {
            return "-";
        }
    }

    record Sub(SubKey key, SubKeys subKeys) implements Admission {
        public String client() {
            return "sub:" + key.id();
        }

        @Override
        public ModerationLevel floor() {
            return key.floor().orElse(ModerationLevel.OFF);
        }

        @Override
        public boolean checksModels() {
            // A pinned key's forms and Azure paths must be seen to name the pinned model (ModelPin).
            return key.models().restricts() || key.binding().model().isPresent();
        }

        @Override
        public BodyEdit bodyEdit(Endpoint endpoint) {
            return endpoint.dialect().isPresent() ? key.binding().edit() : BodyEdit.NONE;
        }

        @Override
        public Optional<String> pinnedUpstream() {
            return key.binding().upstream();
        }

        @Override
        public Optional<String> pinnedModel(Endpoint endpoint, RequestModel body) {
            return ModelPin.forJson(key.binding().model(), endpoint, body);
        }

        @Override
        public Optional<OpenAiError> endpointRefusal(Endpoint endpoint) {
            if (!key.endpoints().allows(endpoint)) return Optional.of(AccessErrors.endpointNotAllowed(key, endpoint));
            if (endpoint.fansOut() && key.remaining().isPresent()) return Optional.of(AccessErrors.fansOutPastQuota(key, endpoint));
            return Optional.empty();
        }

        @Override
        public Optional<OpenAiError> modelRefusal(Endpoint endpoint, RequestModel body, Optional<String> deployment) {
            if (key.binding().model().isPresent()) {
                Optional<OpenAiError> pin = ModelPin.refusal(key.binding().model().get(), endpoint, body, deployment);
                if (pin.isPresent()) return pin;
            }
            return key.models().refusal(endpoint, body, deployment).map(r -> r instanceof ModelRules.Refusal.Denied d
                    ? AccessErrors.modelDenied(key, d.model(), d.rule())
                    : AccessErrors.modelUnchecked(key, endpoint, ((ModelRules.Refusal.Unchecked) r).why()));
        }

        @Override
        public CompletionStage<HttpResponse> spend(Supplier<CompletionStage<HttpResponse>> send,
                Function<HttpResponse, CompletionStage<HttpResponse>> reject) {
            return spend(Reservation.none(), send, reject);
        }

        @Override
        public boolean budgeted() {
            return key.budgets().limits();
        }

        /**
         * One request and the reservation are spent before sending. A request that did not succeed gives both back
         * at once; one that did is settled when its body has ended: the reservation is replaced by the tokens and
         * cost it used (or stands, when its usage is not known).
         */
        @Override
        public CompletionStage<HttpResponse> spend(Reservation reservation, Supplier<CompletionStage<HttpResponse>> send,
                Function<HttpResponse, CompletionStage<HttpResponse>> reject) {
            return subKeys.consume(key, reservation.tokens(), reservation.cost()).thenCompose(c -> {
                if (!(c instanceof Consumption.Granted granted)) return reject.apply(AccessErrors.refusal(c, key));
                CompletionStage<HttpResponse> sent;
                try {
                    sent = send.get();
                } catch (RuntimeException e) {
                    giveBack(granted, reservation);
                    throw e;
                }
                return sent.whenComplete((r, e) -> {
                    if (e != null || !SubKeys.successful(r.status().intValue())) {
                        giveBack(granted, reservation);
                        return;
                    }
                    reservation.atBodyEnd().accept(() -> reservation.actual().get().ifPresent(used -> subKeys.settleTokens(key,
                            granted.windows(), used.tokens() - reservation.tokens(), used.cost() - reservation.cost())));
                });
            });
        }

        private void giveBack(Consumption.Granted granted, Reservation reservation) {
            subKeys.settle(key, false);
            if (reservation.counts()) subKeys.settleTokens(key, granted.windows(), -reservation.tokens(), -reservation.cost());
        }
    }
}
