package modrelay.relay.access;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.ModelField;
import modrelay.relay.endpoint.RequestModel;

/**
 * A sub-key's model permissions: globs ({@code *} any run of characters, {@code ?} one character),
 * matched against the whole model name, ignoring case. A denied glob wins over an allowed one; an
 * empty allow list allows every model that is not denied.
 *
 * <p>{@link #refusal(Endpoint, RequestModel, Optional)} is the check for requests: a key with rules
 * must see the model a request runs. So it refuses a model-bearing request whose model is missing,
 * not a string or unreadable, a name an upstream might read as another (blank, spaces, control or
 * non-ASCII characters, over 256 characters), and endpoints whose models are named where the relay
 * does not look (a batch's input file). A key without rules refuses nothing.
 */
public record ModelRules(List<String> allowed, List<String> denied) {

    public static final ModelRules ANY = new ModelRules(List.of(), List.of());

    public ModelRules {
        allowed = List.copyOf(allowed);
        denied = List.copyOf(denied);
    }

    /** Why a request may not go upstream for a key with these rules. */
    public sealed interface Refusal {
        /** A model the rules do not allow, and the rule that says so. */
        record Denied(String model, String rule) implements Refusal {}

        /** The request's model cannot be checked (missing, not a string, unreadable, …). */
        record Unchecked(String why) implements Refusal {}
    }

    private static final int MAX_MODEL_CHARS = 256;

    public boolean restricts() {
        return !allowed.isEmpty() || !denied.isEmpty();
    }

    /** Why {@code model} is refused ("denied_models: gpt-4*"), or empty when it may be used. */
    public Optional<String> refusal(String model) {
        for (String glob : denied) {
            if (matches(glob, model)) return Optional.of("denied_models: " + glob);
        }
        if (allowed.isEmpty()) return Optional.empty();
        for (String glob : allowed) {
            if (matches(glob, model)) return Optional.empty();
        }
        return Optional.of("allowed_models: " + String.join(", ", allowed));
    }

    /**
     * @param endpoint   the request's endpoint ({@code Endpoints.classify})
     * @param body       the body's model, as the canonical request read it
     * @param deployment on an Azure path, the model its deployment stands for:
     *                   {@code Endpoints.deployment(path).map(router::modelOfDeployment)}
     */
    public Optional<Refusal> refusal(Endpoint endpoint, RequestModel body, Optional<String> deployment) {
        if (!restricts()) return Optional.empty();
        if (endpoint.model() == ModelField.NESTED) {
            return Optional.of(new Refusal.Unchecked(endpoint.name() + " runs models named inside its input, which the "
                    + "relay cannot check"));
        }
        if (endpoint.model() == ModelField.DEPLOYMENT || deployment.isPresent()) {
            if (deployment.isEmpty()) return Optional.of(new Refusal.Unchecked("the path names no deployment"));
            Optional<Refusal> d = named(deployment.get(), "the deployment");
            if (d.isPresent()) return d;
        }
        if (body instanceof RequestModel.Named n) return named(n.name(), "'model'");
        if (body instanceof RequestModel.NotAString t) {
            return Optional.of(new Refusal.Unchecked("'model' is " + article(t.jsonType()) + ", not a string"));
        }
        if (body instanceof RequestModel.Unreadable u) {
            return Optional.of(new Refusal.Unchecked("the body could not be read for its model (" + u.why() + ")"));
        }
        if (endpoint.model() == ModelField.REQUIRED) {
            return Optional.of(new Refusal.Unchecked("the request names no 'model'"));
        }
        return Optional.empty();
    }

    private Optional<Refusal> named(String model, String what) {
        if (model.isEmpty()) return Optional.of(new Refusal.Unchecked(what + " is empty"));
        if (model.length() > MAX_MODEL_CHARS) {
            return Optional.of(new Refusal.Unchecked(what + " is longer than " + MAX_MODEL_CHARS + " characters"));
        }
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            // An upstream that trims, folds full-width forms or drops controls could read such a name as an allowed
            // one, or a denied one as another: printable ASCII is what model names are made of.
            if (c <= 0x20 || c >= 0x7f) {
                return Optional.of(new Refusal.Unchecked(what + " holds a space, control or non-ASCII character"));
            }
        }
        return refusal(model).map(rule -> new Refusal.Denied(model, rule));
    }

    private static String article(String type) {
        return type.equals("null") ? "null" : (type.matches("[aeiou].*") ? "an " : "a ") + type;
    }

    static boolean matches(String glob, String model) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '*') re.append(".*");
            else if (c == '?') re.append('.');
            else re.append(Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(model.toLowerCase(Locale.ROOT)).matches();
    }
}
