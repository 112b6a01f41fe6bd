package modrelay.relay.access;

import akka.http.javadsl.model.HttpResponse;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import modrelay.moderation.ModerationLevel;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.endpoint.RequestModel;

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
     * Why the request's model is refused for this client, or empty. On an endpoint whose body carries a model,
     * a key with model rules refuses a request whose model it cannot name (missing, not a string, unreadable).
     */
    default Optional<OpenAiError> modelRefusal(RequestModel model) {
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
            return key.models().restricts();
        }

        @Override
        public Optional<OpenAiError> modelRefusal(RequestModel model) {
            if (!key.models().restricts()) return Optional.empty();
            if (!(model instanceof RequestModel.Named named)) return Optional.of(AccessErrors.unreadableModel(key));
            return key.models().refusal(named.name()).map(rule -> AccessErrors.modelDenied(key, named.name(), rule));
        }

        @Override
        public CompletionStage<HttpResponse> spend(Supplier<CompletionStage<HttpResponse>> send,
                Function<HttpResponse, CompletionStage<HttpResponse>> reject) {
            return subKeys.consume(key).thenCompose(c -> {
                if (!(c instanceof Consumption.Granted)) return reject.apply(AccessErrors.refusal(c, key));
                CompletionStage<HttpResponse> sent;
                try {
                    sent = send.get();
                } catch (RuntimeException e) {
                    subKeys.settle(key, false);
                    throw e;
                }
                return sent.whenComplete((r, e) -> subKeys.settle(key, e == null && SubKeys.successful(r.status().intValue())));
            });
        }
    }
}
