package modrelay.relay.request;

import java.util.Optional;
import modrelay.moderation.text.ChatDialect;
import modrelay.moderation.text.CompletionsDialect;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.ResponsesDialect;

/**
 * What the relay knows about an endpoint, from the canonical path alone (compared in lower case, with
 * or without {@code /v1}, Azure's {@code /openai/deployments/<d>/…} included): where its answer's text
 * is, whether its body names a model, and whether it can return model text the relay cannot moderate.
 */
public final class Endpoints {
    private Endpoints() {}

    /** The dialect of the answer, for the endpoints whose model text the relay can read (streamed or whole). */
    public static Optional<Dialect> dialect(String method, String lowerPath) {
        String p = strip(lowerPath);
        if (method.equals("POST")) {
            if (p.endsWith("/chat/completions")) return Optional.of(ChatDialect.INSTANCE);
            if (p.endsWith("/completions")) return Optional.of(CompletionsDialect.INSTANCE);
            if (p.endsWith("/responses")) return Optional.of(ResponsesDialect.INSTANCE);
        }
        if (method.equals("GET")) {
            // Stored answers: the same shapes as when they were made.
            if (p.matches(".*/chat/completions/[^/]+")) return Optional.of(ChatDialect.INSTANCE);
            if (p.matches(".*/responses/[^/]+")) return Optional.of(ResponsesDialect.INSTANCE);
        }
        return Optional.empty();
    }

    /** Whether a request body on this endpoint is JSON that may name a model (read once, bounded). */
    public static boolean jsonBody(String method, String lowerPath) {
        if (!(method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) return false;
        if (dialect(method, lowerPath).isPresent()) return true;
        String p = strip(lowerPath);
        return p.endsWith("/embeddings") || p.endsWith("/images/generations") || p.endsWith("/audio/speech")
                || p.endsWith("/moderations") || p.endsWith("/fine_tuning/jobs") || p.endsWith("/batches")
                || p.endsWith("/assistants") || p.matches(".*/assistants/[^/]+") || p.endsWith("/threads/runs")
                || p.matches(".*/threads/[^/]+/runs") || p.endsWith("/realtime/sessions")
                || p.endsWith("/chat/completions") || p.matches(".*/chat/completions/[^/]+");
    }

    private static String strip(String p) {
        return p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
    }
}
