package modrelay.relay.access;

import java.util.Optional;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.ModelField;
import modrelay.relay.endpoint.RequestModel;
import modrelay.relay.errors.OpenAiError;

/**
 * A sub-key's model pin ({@link SubKeyBinding#model()}): where it applies and what a request that it cannot be
 * applied to gets. Pure.
 *
 * <p>Where the relay reads the model from a JSON body, the pin replaces it (or adds it) in the one reading's
 * splice, so routing, the key's model rules and the upstream see the pinned name, whatever the client named.
 * Where the model is named somewhere the relay cannot rewrite — a multipart form's field (audio, image edits), an
 * Azure path's deployment, a batch's input file — the request passes only when it already names the pinned model;
 * otherwise it is refused (400 {@code model_pinned}) rather than run as another model. Endpoints that run no model
 * (files, lists) are not touched.
 */
public final class ModelPin {
    public static final String CODE = "model_pinned";

    private ModelPin() {}

    /**
     * The model a JSON body goes upstream with under {@code pin}, or empty to leave the body's model as it is.
     *
     * @param body the model the body names, as the one reading found it
     */
    public static Optional<String> forJson(Optional<String> pin, Endpoint endpoint, RequestModel body) {
        if (pin.isEmpty() || body instanceof RequestModel.Unreadable) return Optional.empty(); // refused by refusal()
        return switch (endpoint.model()) {
            case REQUIRED -> pin;
            case WHEN_PRESENT -> body instanceof RequestModel.Missing ? Optional.empty() : pin;
            case NONE, DEPLOYMENT, NESTED -> Optional.empty();
        };
    }

    /**
     * Why the request cannot run under {@code pin}, or empty.
     *
     * @param model      the model the canonical request names (a JSON body's already pinned; a form's as it names it)
     * @param deployment on an Azure path, the model its deployment stands for
     */
    public static Optional<OpenAiError> refusal(String pin, Endpoint endpoint, RequestModel model, Optional<String> deployment) {
        if (endpoint.model() == ModelField.NONE && deployment.isEmpty()) return Optional.empty();
        if (endpoint.model() == ModelField.NESTED) {
            return refuse(pin, endpoint.name() + " runs models named inside its input, where the relay cannot set them");
        }
        if (endpoint.model() == ModelField.DEPLOYMENT || deployment.isPresent()) {
            if (deployment.isPresent() && deployment.get().equals(pin)) return Optional.empty();
            return refuse(pin, deployment.map(d -> "the Azure deployment in the path stands for '" + d + "'")
                    .orElse("the path names no deployment"));
        }
        if (model instanceof RequestModel.Named n) {
            return n.name().equals(pin) ? Optional.empty()
                    : refuse(pin, "the request names '" + n.name() + "' where the relay cannot rewrite it (a form field)");
        }
        if (model instanceof RequestModel.Unreadable u) return refuse(pin, "its model cannot be read (" + u.why() + ")");
        if (model instanceof RequestModel.NotAString) return refuse(pin, "its 'model' is not a string");
        if (endpoint.model() == ModelField.REQUIRED) return refuse(pin, "the request names no model where the relay cannot add one");
        return Optional.empty();
    }

    private static Optional<OpenAiError> refuse(String pin, String why) {
        return Optional.of(OpenAiError.invalidParameter("This key is pinned to the model '" + pin + "', and " + why
                + "; send it as '" + pin + "' or use a key without a model pin.", CODE));
    }
}
