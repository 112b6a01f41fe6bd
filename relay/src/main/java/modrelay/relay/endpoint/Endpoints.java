package modrelay.relay.endpoint;

import static modrelay.relay.endpoint.Group.*;
import static modrelay.relay.endpoint.ModelField.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import modrelay.moderation.text.ChatDialect;
import modrelay.moderation.text.CompletionsDialect;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.ResponsesDialect;

/**
 * The catalogue of OpenAI endpoints and the one place a request's method and path become an
 * {@link Endpoint}. Pure.
 *
 * <p>{@link #classify} takes the canonical path (decoded once, slashes merged) and compares it
 * ignoring case, with or without the {@code /v1} that OpenAI clients send, and Azure's spellings:
 * {@code /openai/deployments/<deployment>/…} (the deployment is the model), {@code /openai/v1/…} and
 * {@code /openai/…}. A trailing slash is ignored. Anything else (another method, an extra segment,
 * {@code ;params}, a doubled {@code /v1}, an id that is {@code ..} or holds {@code %}) is {@link #UNKNOWN}: not allowed by default, model-bearing,
 * and refused under moderation. A lenient upstream may read such a path as a known endpoint; the
 * relay then has refused what it could not judge rather than released it.
 */
public final class Endpoints {
    private static final Dialect CHAT_D = ChatDialect.INSTANCE;
    private static final Dialect COMPLETIONS_D = CompletionsDialect.INSTANCE;
    private static final Dialect RESPONSES_D = ResponsesDialect.INSTANCE;

    private static final String FILE_TEXT = "file contents: batch output and other files hold model text the relay does not read";
    private static final String METADATA = "metadata, no model text";
    private static final String DELETED = "a deletion status";

    public static final Endpoint UNKNOWN = new Endpoint("unknown", "*", "*", OTHER, REQUIRED,
            new Coverage.Unsupported("the relay does not know what this endpoint returns"), false);

    private static final List<Endpoint> ALL = List.of(
            // Chat completions: creating one; stored ones (store: true) are another group.
            moderated("chat.completions.create", "POST", "/chat/completions", CHAT, REQUIRED, CHAT_D, Streaming.BODY_FLAG),
            unsupported("chat.completions.list", "GET", "/chat/completions", STORED_COMPLETIONS, NONE,
                    "a list of stored completions: their text is in a shape no dialect reads"),
            moderated("chat.completions.retrieve", "GET", "/chat/completions/{id}", STORED_COMPLETIONS, NONE, CHAT_D, Streaming.NEVER),
            moderated("chat.completions.update", "POST", "/chat/completions/{id}", STORED_COMPLETIONS, NONE, CHAT_D, Streaming.NEVER),
            passes("chat.completions.delete", "DELETE", "/chat/completions/{id}", STORED_COMPLETIONS, NONE, DELETED),
            unsupported("chat.completions.messages.list", "GET", "/chat/completions/{id}/messages", STORED_COMPLETIONS, NONE,
                    "stored messages, the model's among them, in a shape no dialect reads"),

            moderated("completions.create", "POST", "/completions", COMPLETIONS, REQUIRED, COMPLETIONS_D, Streaming.BODY_FLAG),

            moderated("responses.create", "POST", "/responses", RESPONSES, REQUIRED, RESPONSES_D, Streaming.BODY_FLAG),
            moderated("responses.retrieve", "GET", "/responses/{id}", RESPONSES, NONE, RESPONSES_D, Streaming.QUERY_FLAG),
            passes("responses.delete", "DELETE", "/responses/{id}", RESPONSES, NONE, DELETED),
            moderated("responses.cancel", "POST", "/responses/{id}/cancel", RESPONSES, NONE, RESPONSES_D, Streaming.NEVER),
            unsupported("responses.input_items.list", "GET", "/responses/{id}/input_items", RESPONSES, NONE,
                    "earlier items, model output among them, in a shape no dialect reads"),
            passes("responses.input_tokens.count", "POST", "/responses/input_tokens", RESPONSES, REQUIRED, "a token count"),

            passes("conversations.create", "POST", "/conversations", CONVERSATIONS, NONE, "the conversation object, no items"),
            passes("conversations.retrieve", "GET", "/conversations/{id}", CONVERSATIONS, NONE, METADATA),
            passes("conversations.update", "POST", "/conversations/{id}", CONVERSATIONS, NONE, METADATA),
            passes("conversations.delete", "DELETE", "/conversations/{id}", CONVERSATIONS, NONE, DELETED),
            passes("conversations.items.create", "POST", "/conversations/{id}/items", CONVERSATIONS, NONE,
                    "the items the client added"),
            unsupported("conversations.items.list", "GET", "/conversations/{id}/items", CONVERSATIONS, NONE,
                    "conversation items, model output among them"),
            unsupported("conversations.items.retrieve", "GET", "/conversations/{id}/items/{item}", CONVERSATIONS, NONE,
                    "a conversation item, possibly model output"),
            passes("conversations.items.delete", "DELETE", "/conversations/{id}/items/{item}", CONVERSATIONS, NONE,
                    "the conversation object"),

            passes("embeddings.create", "POST", "/embeddings", EMBEDDINGS, REQUIRED, "vectors"),

            passes("models.list", "GET", "/models", MODELS, NONE, "model names"),
            passes("models.retrieve", "GET", "/models/{model*}", MODELS, NONE, "a model's metadata"),
            passes("models.delete", "DELETE", "/models/{model*}", FINE_TUNING, NONE, DELETED),

            unsupported("images.generate", "POST", "/images/generations", IMAGES, REQUIRED,
                    "images (and revised_prompt text) a model made, which the relay cannot judge"),
            unsupported("images.edit", "POST", "/images/edits", IMAGES, REQUIRED,
                    "images (and revised_prompt text) a model made, which the relay cannot judge"),
            unsupported("images.create_variation", "POST", "/images/variations", IMAGES, REQUIRED,
                    "images a model made, which the relay cannot judge"),

            passes("audio.speech.create", "POST", "/audio/speech", AUDIO, REQUIRED, "audio of the client's own text"),
            passes("audio.transcriptions.create", "POST", "/audio/transcriptions", AUDIO, REQUIRED,
                    "the client's own speech as text"),
            passes("audio.translations.create", "POST", "/audio/translations", AUDIO, REQUIRED,
                    "the client's own speech, in English"),

            passes("moderations.create", "POST", "/moderations", MODERATIONS, REQUIRED, "verdicts on the client's own input"),

            passes("files.create", "POST", "/files", FILES, NONE, METADATA),
            passes("files.list", "GET", "/files", FILES, NONE, METADATA),
            passes("files.retrieve", "GET", "/files/{id}", FILES, NONE, METADATA),
            passes("files.delete", "DELETE", "/files/{id}", FILES, NONE, DELETED),
            unsupported("files.content", "GET", "/files/{id}/content", FILES, NONE, FILE_TEXT),
            passes("uploads.create", "POST", "/uploads", FILES, NONE, METADATA),
            passes("uploads.parts.create", "POST", "/uploads/{id}/parts", FILES, NONE, METADATA),
            passes("uploads.complete", "POST", "/uploads/{id}/complete", FILES, NONE, METADATA),
            passes("uploads.cancel", "POST", "/uploads/{id}/cancel", FILES, NONE, METADATA),

            fansOut(passes("batches.create", "POST", "/batches", BATCHES, NESTED,
                    "the batch object; its output is read with files.content")),
            passes("batches.list", "GET", "/batches", BATCHES, NONE, METADATA),
            passes("batches.retrieve", "GET", "/batches/{id}", BATCHES, NONE, METADATA),
            passes("batches.cancel", "POST", "/batches/{id}/cancel", BATCHES, NONE, METADATA),

            fansOut(passes("fine_tuning.jobs.create", "POST", "/fine_tuning/jobs", FINE_TUNING, REQUIRED, METADATA)),
            passes("fine_tuning.jobs.list", "GET", "/fine_tuning/jobs", FINE_TUNING, NONE, METADATA),
            passes("fine_tuning.jobs.retrieve", "GET", "/fine_tuning/jobs/{id}", FINE_TUNING, NONE, METADATA),
            passes("fine_tuning.jobs.cancel", "POST", "/fine_tuning/jobs/{id}/cancel", FINE_TUNING, NONE, METADATA),
            passes("fine_tuning.jobs.pause", "POST", "/fine_tuning/jobs/{id}/pause", FINE_TUNING, NONE, METADATA),
            passes("fine_tuning.jobs.resume", "POST", "/fine_tuning/jobs/{id}/resume", FINE_TUNING, NONE, METADATA),
            passes("fine_tuning.jobs.events.list", "GET", "/fine_tuning/jobs/{id}/events", FINE_TUNING, NONE,
                    "training status messages"),
            passes("fine_tuning.jobs.checkpoints.list", "GET", "/fine_tuning/jobs/{id}/checkpoints", FINE_TUNING, NONE,
                    "training metrics"),
            passes("fine_tuning.checkpoints.permissions.create", "POST", "/fine_tuning/checkpoints/{id}/permissions",
                    FINE_TUNING, NONE, METADATA),
            passes("fine_tuning.checkpoints.permissions.retrieve", "GET", "/fine_tuning/checkpoints/{id}/permissions",
                    FINE_TUNING, NONE, METADATA),
            passes("fine_tuning.checkpoints.permissions.delete", "DELETE",
                    "/fine_tuning/checkpoints/{id}/permissions/{permission}", FINE_TUNING, NONE, DELETED),
            unsupported("fine_tuning.alpha.graders.run", "POST", "/fine_tuning/alpha/graders/run", FINE_TUNING, NESTED,
                    "grader output, which can hold model text"),
            passes("fine_tuning.alpha.graders.validate", "POST", "/fine_tuning/alpha/graders/validate", FINE_TUNING, NONE,
                    "the grader the client sent"),

            passes("assistants.create", "POST", "/assistants", ASSISTANTS, REQUIRED, "the client's own assistant settings"),
            passes("assistants.list", "GET", "/assistants", ASSISTANTS, NONE, "the client's own assistant settings"),
            passes("assistants.retrieve", "GET", "/assistants/{id}", ASSISTANTS, NONE, "the client's own assistant settings"),
            passes("assistants.update", "POST", "/assistants/{id}", ASSISTANTS, WHEN_PRESENT,
                    "the client's own assistant settings"),
            passes("assistants.delete", "DELETE", "/assistants/{id}", ASSISTANTS, NONE, DELETED),
            passes("threads.create", "POST", "/threads", ASSISTANTS, NONE, "the thread object, no messages"),
            passes("threads.retrieve", "GET", "/threads/{id}", ASSISTANTS, NONE, "the thread object, no messages"),
            passes("threads.update", "POST", "/threads/{id}", ASSISTANTS, NONE, "the thread object, no messages"),
            passes("threads.delete", "DELETE", "/threads/{id}", ASSISTANTS, NONE, DELETED),
            unsupported("threads.create_and_run", "POST", "/threads/runs", ASSISTANTS, REQUIRED,
                    "a run: assistant messages and tool calls in events no dialect reads"),
            passes("threads.messages.create", "POST", "/threads/{id}/messages", ASSISTANTS, NONE,
                    "the message the client added"),
            unsupported("threads.messages.list", "GET", "/threads/{id}/messages", ASSISTANTS, NONE,
                    "thread messages, the assistant's among them"),
            unsupported("threads.messages.retrieve", "GET", "/threads/{id}/messages/{message}", ASSISTANTS, NONE,
                    "a thread message, possibly the assistant's"),
            unsupported("threads.messages.update", "POST", "/threads/{id}/messages/{message}", ASSISTANTS, NONE,
                    "a thread message, possibly the assistant's"),
            passes("threads.messages.delete", "DELETE", "/threads/{id}/messages/{message}", ASSISTANTS, NONE, DELETED),
            unsupported("threads.runs.create", "POST", "/threads/{id}/runs", ASSISTANTS, REQUIRED,
                    "a run: assistant messages and tool calls in events no dialect reads"),
            unsupported("threads.runs.list", "GET", "/threads/{id}/runs", ASSISTANTS, NONE,
                    "runs, with the model's tool calls"),
            unsupported("threads.runs.retrieve", "GET", "/threads/{id}/runs/{run}", ASSISTANTS, NONE,
                    "a run, with the model's tool calls"),
            unsupported("threads.runs.update", "POST", "/threads/{id}/runs/{run}", ASSISTANTS, NONE,
                    "a run, with the model's tool calls"),
            unsupported("threads.runs.cancel", "POST", "/threads/{id}/runs/{run}/cancel", ASSISTANTS, NONE,
                    "a run, with the model's tool calls"),
            unsupported("threads.runs.submit_tool_outputs", "POST", "/threads/{id}/runs/{run}/submit_tool_outputs",
                    ASSISTANTS, NONE, "the run continues: assistant messages in events no dialect reads"),
            unsupported("threads.runs.steps.list", "GET", "/threads/{id}/runs/{run}/steps", ASSISTANTS, NONE,
                    "run steps, with the model's messages and tool calls"),
            unsupported("threads.runs.steps.retrieve", "GET", "/threads/{id}/runs/{run}/steps/{step}", ASSISTANTS, NONE,
                    "a run step, with the model's messages and tool calls"),

            passes("vector_stores.create", "POST", "/vector_stores", VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.list", "GET", "/vector_stores", VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.retrieve", "GET", "/vector_stores/{id}", VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.update", "POST", "/vector_stores/{id}", VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.delete", "DELETE", "/vector_stores/{id}", VECTOR_STORES, NONE, DELETED),
            unsupported("vector_stores.search", "POST", "/vector_stores/{id}/search", VECTOR_STORES, NONE,
                    "chunks of stored files, which may be model output"),
            passes("vector_stores.files.create", "POST", "/vector_stores/{id}/files", VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.files.list", "GET", "/vector_stores/{id}/files", VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.files.retrieve", "GET", "/vector_stores/{id}/files/{file}", VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.files.update", "POST", "/vector_stores/{id}/files/{file}", VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.files.delete", "DELETE", "/vector_stores/{id}/files/{file}", VECTOR_STORES, NONE, DELETED),
            unsupported("vector_stores.files.content", "GET", "/vector_stores/{id}/files/{file}/content", VECTOR_STORES,
                    NONE, FILE_TEXT),
            passes("vector_stores.file_batches.create", "POST", "/vector_stores/{id}/file_batches", VECTOR_STORES, NONE,
                    METADATA),
            passes("vector_stores.file_batches.retrieve", "GET", "/vector_stores/{id}/file_batches/{batch}", VECTOR_STORES,
                    NONE, METADATA),
            passes("vector_stores.file_batches.cancel", "POST", "/vector_stores/{id}/file_batches/{batch}/cancel",
                    VECTOR_STORES, NONE, METADATA),
            passes("vector_stores.file_batches.list_files", "GET", "/vector_stores/{id}/file_batches/{batch}/files",
                    VECTOR_STORES, NONE, METADATA),

            unsupported("realtime.connect", "GET", "/realtime", REALTIME, REQUIRED,
                    "a live session whose events the relay does not read"),
            unsupported("realtime.sessions.create", "POST", "/realtime/sessions", REALTIME, REQUIRED,
                    "an ephemeral key that talks to the upstream past the relay"),
            unsupported("realtime.transcription_sessions.create", "POST", "/realtime/transcription_sessions", REALTIME,
                    NESTED, "an ephemeral key that talks to the upstream past the relay"),
            unsupported("realtime.client_secrets.create", "POST", "/realtime/client_secrets", REALTIME, NESTED,
                    "an ephemeral key that talks to the upstream past the relay"),
            unsupported("realtime.other", "*", "/realtime/{rest*}", REALTIME, REQUIRED,
                    "Realtime calls and sessions whose events the relay does not read"),

            passes("evals.create", "POST", "/evals", EVALS, NONE, "the client's own eval definition"),
            passes("evals.list", "GET", "/evals", EVALS, NONE, "the client's own eval definitions"),
            passes("evals.retrieve", "GET", "/evals/{id}", EVALS, NONE, "the client's own eval definition"),
            passes("evals.update", "POST", "/evals/{id}", EVALS, NONE, "the client's own eval definition"),
            passes("evals.delete", "DELETE", "/evals/{id}", EVALS, NONE, DELETED),
            fansOut(passes("evals.runs.create", "POST", "/evals/{id}/runs", EVALS, NESTED,
                    "the run object; its samples are read with output_items")),
            passes("evals.runs.list", "GET", "/evals/{id}/runs", EVALS, NONE, "result counts"),
            passes("evals.runs.retrieve", "GET", "/evals/{id}/runs/{run}", EVALS, NONE, "result counts"),
            passes("evals.runs.cancel", "POST", "/evals/{id}/runs/{run}", EVALS, NONE, "result counts"),
            passes("evals.runs.delete", "DELETE", "/evals/{id}/runs/{run}", EVALS, NONE, DELETED),
            unsupported("evals.runs.output_items.list", "GET", "/evals/{id}/runs/{run}/output_items", EVALS, NONE,
                    "the model's sampled answers"),
            unsupported("evals.runs.output_items.retrieve", "GET", "/evals/{id}/runs/{run}/output_items/{item}", EVALS,
                    NONE, "a sampled model answer"),

            passes("containers.create", "POST", "/containers", CONTAINERS, NONE, METADATA),
            passes("containers.list", "GET", "/containers", CONTAINERS, NONE, METADATA),
            passes("containers.retrieve", "GET", "/containers/{id}", CONTAINERS, NONE, METADATA),
            passes("containers.delete", "DELETE", "/containers/{id}", CONTAINERS, NONE, DELETED),
            passes("containers.files.create", "POST", "/containers/{id}/files", CONTAINERS, NONE, METADATA),
            passes("containers.files.list", "GET", "/containers/{id}/files", CONTAINERS, NONE, METADATA),
            passes("containers.files.retrieve", "GET", "/containers/{id}/files/{file}", CONTAINERS, NONE, METADATA),
            passes("containers.files.delete", "DELETE", "/containers/{id}/files/{file}", CONTAINERS, NONE, DELETED),
            unsupported("containers.files.content", "GET", "/containers/{id}/files/{file}/content", CONTAINERS, NONE,
                    "files the model's code wrote"));

    /** What Azure serves under {@code /openai/deployments/<deployment>/}; anything else there is unknown. */
    private static final Set<String> DEPLOYMENT_SCOPED = Set.of("chat.completions.create", "completions.create",
            "embeddings.create", "images.generate", "images.edit", "images.create_variation", "audio.speech.create",
            "audio.transcriptions.create", "audio.translations.create");

    private static final Map<String, Endpoint> BY_NAME;
    private static final List<Pattern> PATTERNS;
    /** Candidates by method (GET, POST, …); {@link #ANY_METHOD} for the others, which only "*" endpoints take. */
    private static final Map<String, Candidates> CANDIDATES;
    private static final Candidates ANY_METHOD;

    /**
     * A path pattern split once: each segment a literal, an id ({@code {id}}) or the rest of the path ({@code {x*}},
     * last only). Classifying runs for every request, so the pattern is not parsed again each time.
     */
    private record Pattern(String[] segments, boolean[] id, int restAt) {
        static Pattern of(String path) {
            String[] segs = Endpoints.segments(path);
            boolean[] id = new boolean[segs.length];
            int restAt = -1;
            for (int i = 0; i < segs.length; i++) {
                if (segs[i].endsWith("*}")) {
                    restAt = i;
                    break;
                }
                id[i] = segs[i].startsWith("{");
            }
            return new Pattern(segs, id, restAt);
        }
    }

    static {
        Map<String, Endpoint> byName = new LinkedHashMap<>();
        List<Pattern> patterns = new ArrayList<>();
        for (Endpoint e : ALL) {
            if (byName.put(e.name(), e) != null) throw new IllegalStateException("two endpoints named " + e.name());
            patterns.add(Pattern.of(e.path()));
        }
        byName.put(UNKNOWN.name(), UNKNOWN);
        BY_NAME = Collections.unmodifiableMap(byName);
        PATTERNS = List.copyOf(patterns);
        Map<String, Candidates> byMethod = new HashMap<>();
        for (Endpoint e : ALL) {
            if (!e.method().equals("*")) byMethod.computeIfAbsent(e.method(), Candidates::of);
        }
        CANDIDATES = Map.copyOf(byMethod);
        ANY_METHOD = Candidates.of("*");
    }

    /**
     * For one method, the catalogue indices worth matching, by the path's first segment: the endpoints whose
     * pattern starts with that literal, plus those starting with an id or the rest, in catalogue order (the
     * first of equal matches wins). Matching all 120 patterns for every request was the relay's costliest
     * method on small requests; an endpoint left out here is one whose first literal differs, which
     * {@link #match} would refuse anyway.
     */
    private record Candidates(Map<String, int[]> byFirst, int[] otherFirst, int[] noSegments) {
        static Candidates of(String method) {
            List<Integer> other = new ArrayList<>();
            List<Integer> none = new ArrayList<>();
            Map<String, List<Integer>> byFirst = new HashMap<>();
            for (int i = 0; i < ALL.size(); i++) {
                String m = ALL.get(i).method();
                if (!m.equals("*") && !m.equals(method)) continue;
                Pattern p = PATTERNS.get(i);
                if (p.segments().length == 0) none.add(i);
                else if (p.restAt() != 0 && !p.id()[0]) byFirst.computeIfAbsent(p.segments()[0], k -> new ArrayList<>());
            }
            for (int i = 0; i < ALL.size(); i++) {
                String m = ALL.get(i).method();
                if (!m.equals("*") && !m.equals(method)) continue;
                Pattern p = PATTERNS.get(i);
                if (p.segments().length == 0) continue;
                if (p.restAt() == 0 || p.id()[0]) {
                    other.add(i);
                    for (List<Integer> list : byFirst.values()) list.add(i);
                } else {
                    byFirst.get(p.segments()[0]).add(i);
                }
            }
            Map<String, int[]> index = new HashMap<>();
            byFirst.forEach((first, list) -> index.put(first, ints(list)));
            return new Candidates(Map.copyOf(index), ints(other), ints(none));
        }

        int[] of(List<String> segs) {
            if (segs.isEmpty()) return noSegments;
            int[] c = byFirst.get(segs.get(0));
            return c != null ? c : otherFirst;
        }

        private static int[] ints(List<Integer> list) {
            return list.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private Endpoints() {}

    /** Every known endpoint, in catalogue order ({@link #UNKNOWN} not included). */
    public static List<Endpoint> all() {
        return ALL;
    }

    /** The endpoint with this name ({@code files.content}, {@code unknown}). */
    public static Optional<Endpoint> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The group with this id ({@code fine_tuning}). */
    public static Optional<Group> group(String id) {
        for (Group g : Group.values()) {
            if (g.id().equals(id)) return Optional.of(g);
        }
        return Optional.empty();
    }

    /**
     * @param method        the request's method (any case)
     * @param canonicalPath the decoded, slash-merged path after the relay's route prefix, without the query
     */
    public static Endpoint classify(String method, String canonicalPath) {
        return classify(method, canonicalPath, true);
    }

    /** As {@link #classify}, matching every pattern of the catalogue: the definition the index must agree with (tests). */
    static Endpoint classifyScanningAll(String method, String canonicalPath) {
        return classify(method, canonicalPath, false);
    }

    private static Endpoint classify(String method, String canonicalPath, boolean indexed) {
        if (method == null || canonicalPath == null) return UNKNOWN;
        String m = method.toUpperCase(Locale.ROOT);
        List<String> segs = pathSegments(canonicalPath.toLowerCase(Locale.ROOT));
        boolean deployment = false;
        if (!segs.isEmpty() && segs.get(0).equals("v1")) {
            segs = segs.subList(1, segs.size());
        } else if (!segs.isEmpty() && segs.get(0).equals("openai")) {
            if (segs.size() >= 3 && segs.get(1).equals("deployments")) {
                if (!plainId(segs.get(2))) return UNKNOWN;
                segs = segs.subList(3, segs.size());
                deployment = true;
            } else if (segs.size() >= 2 && segs.get(1).equals("v1")) {
                segs = segs.subList(2, segs.size());
            } else {
                segs = segs.subList(1, segs.size());
            }
        }
        Endpoint best = null;
        int bestLiterals = -1;
        int[] candidates = indexed ? CANDIDATES.getOrDefault(m, ANY_METHOD).of(segs) : null;
        int n = indexed ? candidates.length : ALL.size();
        for (int c = 0; c < n; c++) {
            int i = indexed ? candidates[c] : c;
            Endpoint e = ALL.get(i);
            if (!e.method().equals("*") && !e.method().equals(m)) continue;
            int literals = match(PATTERNS.get(i), segs);
            // The most literal segments win: POST /threads/runs is create_and_run, not threads.update of "runs".
            if (literals > bestLiterals) {
                best = e;
                bestLiterals = literals;
            }
        }
        if (best == null) return UNKNOWN;
        if (deployment) return DEPLOYMENT_SCOPED.contains(best.name()) ? best.viaDeployment() : UNKNOWN;
        return best;
    }

    /**
     * The deployment named by an Azure path {@code /openai/deployments/<deployment>/…} as the client
     * spelled it (the canonical path is decoded already: it is not decoded again).
     */
    public static Optional<String> deployment(String canonicalPath) {
        if (canonicalPath == null) return Optional.empty();
        List<String> segs = pathSegments(canonicalPath);
        if (segs.size() < 3 || !segs.get(0).equalsIgnoreCase("openai") || !segs.get(1).equalsIgnoreCase("deployments")) {
            return Optional.empty();
        }
        return Optional.of(segs.get(2));
    }

    /** -1 when the pattern does not match, else how many of its segments are literal. */
    private static int match(Pattern pattern, List<String> segs) {
        String[] literal = pattern.segments();
        int fixed = pattern.restAt() < 0 ? literal.length : pattern.restAt();
        if (pattern.restAt() < 0 ? segs.size() != literal.length : segs.size() <= fixed) return -1;
        int literals = 0;
        for (int i = 0; i < fixed; i++) {
            if (pattern.id()[i]) {
                // No dot in an id either: "runs.json" must not be the id of POST /threads/{id} where an upstream
                // that strips format suffixes reads POST /threads/runs. OpenAI's ids have none.
                if (!plainId(segs.get(i)) || segs.get(i).indexOf('.') >= 0) return -1;
                continue;
            }
            if (!literal[i].equals(segs.get(i))) return -1;
            literals++;
        }
        for (int j = fixed; j < segs.size(); j++) {
            if (!plainId(segs.get(j))) return -1;
        }
        return literals;
    }

    /**
     * Whether a segment can stand for a model or a deployment (ids, see above, have no dot at all). Not one an upstream could turn
     * into other segments: {@code .}/{@code ..} (also Tomcat's {@code ..;}), anything with {@code %}
     * (decoded once more), {@code \} (read as {@code /}), {@code ;} (path parameters), spaces or
     * controls. {@code GET /v1/models/../chat/completions} must not pass as a model lookup.
     */
    static boolean plainId(String segment) {
        if (segment.startsWith(".")) return false;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '%' || c == '\\' || c == ';') return false;
        }
        return true;
    }

    private static String[] segments(String pattern) {
        return pathSegments(pattern).toArray(String[]::new);
    }

    /** Non-empty segments; a trailing slash and merged slashes change nothing. */
    private static List<String> pathSegments(String path) {
        List<String> out = new ArrayList<>(8);
        int from = 0;
        while (from <= path.length()) {
            int slash = path.indexOf('/', from);
            int end = slash < 0 ? path.length() : slash;
            if (end > from) out.add(path.substring(from, end));
            from = end + 1;
        }
        return out;
    }

    private static Endpoint moderated(String name, String method, String path, Group group, ModelField model, Dialect d,
            Streaming streaming) {
        return new Endpoint(name, method, path, group, model, new Coverage.Moderated(d, streaming), false);
    }

    private static Endpoint passes(String name, String method, String path, Group group, ModelField model, String why) {
        return new Endpoint(name, method, path, group, model, new Coverage.NoModelText(why), false);
    }

    private static Endpoint unsupported(String name, String method, String path, Group group, ModelField model, String why) {
        return new Endpoint(name, method, path, group, model, new Coverage.Unsupported(why), false);
    }

    private static Endpoint fansOut(Endpoint e) {
        return new Endpoint(e.name(), e.method(), e.path(), e.group(), e.model(), e.coverage(), true);
    }

    static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    static List<String> groupIds() {
        return Arrays.stream(Group.values()).map(Group::id).toList();
    }
}
