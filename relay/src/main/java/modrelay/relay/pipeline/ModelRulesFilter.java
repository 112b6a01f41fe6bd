package modrelay.relay.pipeline;

import java.util.Optional;
import java.util.function.UnaryOperator;
import modrelay.relay.access.Admission;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.endpoint.RequestModel;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.Inbound;

/**
 * A sub-key's model rules, on the model the canonical request names. On an Azure client path the
 * deployment in the path is the model (the body names none): else such a key would reach every
 * deployment. A key with rules refuses, on an endpoint whose body names a model, a request whose
 * model it cannot read (see {@link modrelay.relay.access.ModelRules}).
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
        Optional<String> deployment = Endpoints.deployment(in.canonical().decoded()).map(modelOfDeployment);
        Exchange named = deployment.isPresent() ? ex.withInbound(in.withModel(new RequestModel.Named(deployment.get()))) : ex;
        if (!admission.checksModels()) return Step.next(named);
        // A form that streams is checked field by field as it streams (FormModelWatch): its model is not known yet.
        if (in.laterRefusal().isPresent() && deployment.isEmpty()) return Step.next(named);
        Optional<OpenAiError> refusal = admission.modelRefusal(in.endpoint(), in.model(), deployment);
        return refusal.isPresent() ? Step.refuse(ex, refusal.get()) : Step.next(named);
    }
}
