package modrelay.relay.access;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A sub-key's model permissions: globs ({@code *} any run of characters, {@code ?} one character),
 * matched against the whole model name, ignoring case. A denied glob wins over an allowed one; an
 * empty allow list allows every model that is not denied. A request that names no model (a file
 * upload, a model list) is not refused here: there is nothing to check.
 */
public record ModelRules(List<String> allowed, List<String> denied) {

    public static final ModelRules ANY = new ModelRules(List.of(), List.of());

    public ModelRules {
        allowed = List.copyOf(allowed);
        denied = List.copyOf(denied);
    }

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
