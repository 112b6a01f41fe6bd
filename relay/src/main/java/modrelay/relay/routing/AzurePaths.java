package modrelay.relay.routing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAI paths as Azure OpenAI spells them. Pure.
 * <ul>
 *   <li>{@code /v1/chat/completions} (and completions, embeddings, images, audio) with model X →
 *       {@code /openai/deployments/<deployment for X>/chat/completions?api-version=<v>};</li>
 *   <li>other {@code /v1/<rest>} (files, batches, responses, models, fine-tuning, assistants, …) →
 *       {@code /openai/<rest>?api-version=<v>};</li>
 *   <li>paths already under {@code /openai/} (a client speaking Azure itself) as they are, with
 *       {@code api-version} added only when the client sent none.</li>
 * </ul>
 * The client's own query parameters follow {@code api-version}.
 */
public final class AzurePaths {
    static final Set<String> DEPLOYMENT_SCOPED = Set.of(
            "/chat/completions", "/completions", "/embeddings", "/images/generations", "/images/edits",
            "/audio/transcriptions", "/audio/translations", "/audio/speech");

    private AzurePaths() {}

    /** The translated path and query, or why there is none (a 400 for the client). */
    public sealed interface Result {
        record Path(String pathAndQuery) implements Result {}

        record Unsupported(String message) implements Result {}
    }

    public static Result translate(String pathAndQuery, Optional<String> deployment, String apiVersion) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        if (path.startsWith("/openai/")) {
            boolean hasVersion = ("&" + query).contains("&api-version=");
            if (hasVersion) return new Result.Path(pathAndQuery);
            return new Result.Path(path + "?api-version=" + apiVersion + (query.isEmpty() ? "" : "&" + query));
        }
        if (!path.startsWith("/v1/")) return new Result.Path(pathAndQuery);
        String rest = path.substring(3);
        String tail = "?api-version=" + apiVersion + (query.isEmpty() ? "" : "&" + query);
        if (DEPLOYMENT_SCOPED.contains(rest)) {
            if (deployment.isEmpty()) {
                return new Result.Unsupported("This request goes to Azure OpenAI, which needs the 'model' field to find the "
                        + "deployment; send 'model' (for uploads, as a small form or to an upstream serving every model).");
            }
            return new Result.Path("/openai/deployments/" + URLEncoder.encode(deployment.get(), StandardCharsets.UTF_8)
                    .replace("+", "%20") + rest + tail);
        }
        return new Result.Path("/openai" + rest + tail);
    }

    /** The deployment named by an Azure path ({@code /openai/deployments/<name>/...}), if it is one. */
    public static Optional<String> deploymentOf(String pathAndQuery) {
        String prefix = "/openai/deployments/";
        if (!pathAndQuery.startsWith(prefix)) return Optional.empty();
        int end = pathAndQuery.length();
        for (int i = prefix.length(); i < pathAndQuery.length(); i++) {
            char c = pathAndQuery.charAt(i);
            if (c == '/' || c == '?') {
                end = i;
                break;
            }
        }
        String name = java.net.URLDecoder.decode(pathAndQuery.substring(prefix.length(), end), StandardCharsets.UTF_8);
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }
}
