package modrelay.relay.pipeline;

import java.util.Optional;
import java.util.function.UnaryOperator;
import modrelay.relay.access.Admission;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.Inbound;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.endpoint.ModelField;
import modrelay.relay.endpoint.RequestModel;

/**
 * A sub-key's model rules, on the model the canonical request names. On an Azure client path the
 * deployment in the path is the model (the body names none): else such a key would reach every
 * deployment. A key with rules refuses, on an endpoint whose body names a model, a request whose
 * model it cannot read.
 */
final class ModelRulesFilter implements RequestFilter {
    private final UnaryOperator<String> modelOfDeployment;

    /** @param modelOfDeployment the client-facing model behind an Azure deployment name */
    ModelRulesFilter(UnaryOperator<String> modelOfDeployment) {
        this.modelOfDeployment = modelOfDeployment;
    }

    @Override
    public Step apply(Exchange ex) {
        Inbound in = ex.inbound();
        Admission admission = in.admission();
        Optional<String> deployment = Endpoints.deployment(in.canonical().decoded());
        if (deployment.isPresent()) {
            RequestModel model = new RequestModel.Named(modelOfDeployment.apply(deployment.get()));
            Exchange azure = ex.withInbound(in.withModel(model));
            return admission.checksModels() ? refusedOr(azure, admission.modelRefusal(model)) : Step.next(azure);
        }
        if (!admission.checksModels()) return Step.next(ex);
        Endpoint endpoint = in.endpoint();
        if (endpoint.model() == ModelField.NESTED) {
            return Step.refuse(ex, new OpenAiError(akka.http.javadsl.model.StatusCodes.FORBIDDEN, "This key may use only some "
                    + "models, and " + endpoint.describe() + " runs models named where the relay does not look.",
                    "invalid_request_error", "model_not_allowed"));
        }
        boolean namesModel = endpoint.model() == ModelField.REQUIRED || !(in.model() instanceof RequestModel.Missing);
        // A form that streams is checked as it streams (FormModelWatch); a request that names no model elsewhere passes.
        if (!namesModel || in.laterRefusal().isPresent()) return Step.next(ex);
        return refusedOr(ex, admission.modelRefusal(in.model()));
    }

    private static Step refusedOr(Exchange ex, Optional<OpenAiError> refusal) {
        return refusal.isPresent() ? Step.refuse(ex, refusal.get()) : Step.next(ex);
    }
}
