package modrelay.relay.endpoint;

import java.util.Locale;

/**
 * The groups a sub-key's endpoint allowlist names. A group is granted whole; single endpoints can
 * also be granted by name (see {@link Endpoints}). The default groups are the ones whose endpoints
 * touch no stored object of another tenant: a request and its answer, nothing kept upstream that a
 * second tenant could list, read or delete.
 */
public enum Group {
    CHAT(true, "chat completions (POST /v1/chat/completions)"),
    COMPLETIONS(true, "legacy completions"),
    RESPONSES(true, "Responses API: create, and retrieve/cancel/delete by id"),
    EMBEDDINGS(true, "embeddings"),
    MODELS(true, "model list and model lookup"),
    AUDIO(true, "speech, transcriptions, translations"),
    IMAGES(false, "image generation, edits, variations"),
    MODERATIONS(false, "OpenAI's moderation endpoint"),
    STORED_COMPLETIONS(false, "stored chat completions: list, retrieve, update, delete, messages"),
    CONVERSATIONS(false, "Conversations API and its items"),
    FILES(false, "files and uploads (shared by every tenant of the upstream key)"),
    BATCHES(false, "batches"),
    FINE_TUNING(false, "fine-tuning jobs, checkpoints, graders; deleting fine-tuned models"),
    ASSISTANTS(false, "Assistants API: assistants, threads, messages, runs, run steps"),
    VECTOR_STORES(false, "vector stores, their files and file batches"),
    REALTIME(false, "Realtime API: sessions, client secrets, connections"),
    EVALS(false, "evals and eval runs"),
    CONTAINERS(false, "containers and their files"),
    OTHER(false, "any path the relay does not know");

    private final boolean byDefault;
    private final String description;

    Group(boolean byDefault, String description) {
        this.byDefault = byDefault;
        this.description = description;
    }

    /** The name used in allowlists, settings and errors: {@code chat}, {@code fine_tuning}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a new sub-key (and every key from before allowlists existed) has this group. */
    public boolean byDefault() {
        return byDefault;
    }

    public String description() {
        return description;
    }
}
