package modrelay.relay.endpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import modrelay.moderation.text.ChatDialect;
import modrelay.moderation.text.CompletionsDialect;
import modrelay.moderation.text.ResponsesDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointsTest {

    static String name(String method, String path) {
        return Endpoints.classify(method, path).name();
    }

    /** Every catalogue entry is reached by a concrete path built from its own pattern, under each prefix clients use. */
    @Test
    void everyEndpointIsFoundByItsOwnPathWithAndWithoutV1AndUnderAzuresV1() {
        for (Endpoint e : Endpoints.all()) {
            String concrete = e.path().replaceAll("\\{[a-z]+\\*}", "ft:gpt-4o-mini:acme::abc/extra")
                    .replaceAll("\\{[a-z]+}", "id_123");
            String method = e.method().equals("*") ? "PATCH" : e.method();
            for (String prefix : List.of("/v1", "", "/openai/v1", "/openai")) {
                assertEquals(e.name(), name(method, prefix + concrete), prefix + concrete);
            }
        }
    }

    @Test
    void namesAreUniqueAndSayTheirGroupOrAreStoredCompletionsOrUploads() {
        Set<String> names = new HashSet<>();
        for (Endpoint e : Endpoints.all()) {
            assertTrue(names.add(e.name()), e.name());
            assertTrue(e.name().matches("[a-z_]+(\\.[a-z_]+)+"), e.name());
            assertFalse(e.coverage().why().isBlank(), e.name());
        }
        assertFalse(names.contains("unknown"));
        assertEquals(Optional.of(Endpoints.UNKNOWN), Endpoints.named("unknown"));
    }

    @ParameterizedTest
    @CsvSource({
            "POST, /v1/chat/completions, chat.completions.create",
            "post, /V1/Chat/Completions, chat.completions.create",
            "POST, /v1/CHAT/COMPLETIONS/, chat.completions.create",
            "POST, /chat/completions, chat.completions.create",
            "POST, /v1//chat///completions, chat.completions.create",
            "GET, /v1/chat/completions, chat.completions.list",
            "GET, /v1/chat/completions/chatcmpl-abc, chat.completions.retrieve",
            "POST, /v1/chat/completions/chatcmpl-abc, chat.completions.update",
            "DELETE, /v1/chat/completions/chatcmpl-abc, chat.completions.delete",
            "GET, /v1/chat/completions/chatcmpl-abc/messages, chat.completions.messages.list",
            "POST, /v1/completions, completions.create",
            "POST, /v1/responses, responses.create",
            "GET, /v1/responses/resp_1, responses.retrieve",
            "DELETE, /v1/responses/resp_1, responses.delete",
            "POST, /v1/responses/resp_1/cancel, responses.cancel",
            "GET, /v1/responses/resp_1/input_items, responses.input_items.list",
            "POST, /v1/responses/input_tokens, responses.input_tokens.count",
            "POST, /v1/threads/runs, threads.create_and_run",
            "POST, /v1/threads/thread_1, threads.update",
            "POST, /v1/threads/thread_1/runs, threads.runs.create",
            "POST, /v1/threads/t/runs/r/submit_tool_outputs, threads.runs.submit_tool_outputs",
            "GET, /v1/threads/t/runs/r/steps/s, threads.runs.steps.retrieve",
            "GET, /v1/files/file-1/content, files.content",
            "GET, /v1/models/meta-llama/Llama-3-70b, models.retrieve",
            "DELETE, /v1/models/ft:gpt-4o:acme::1, models.delete",
            "GET, /v1/realtime, realtime.connect",
            "POST, /v1/realtime/calls/c1/accept, realtime.other",
            "GET, /v1/realtime/sessions, realtime.other",
            "POST, /openai/deployments/prod-gpt4o/chat/completions, chat.completions.create",
            "POST, /OpenAI/Deployments/Prod/Embeddings, embeddings.create",
            "POST, /openai/deployments/whisper/audio/transcriptions, audio.transcriptions.create",
            "POST, /openai/v1/responses, responses.create",
            "POST, /openai/responses, responses.create",
            "GET, /openai/files, files.list",
    })
    void knownSpellingsAreRecognised(String method, String path, String expected) {
        assertEquals(expected, name(method, path));
    }

    /** What no catalogue entry matches is unknown: another method, junk in or after a segment, a doubled prefix. */
    @ParameterizedTest
    @CsvSource({
            "PUT, /v1/chat/completions",
            "PATCH, /v1/responses",
            "HEAD, /v1/models",
            "GET, /v1/completions",
            "POST, /v1/chat/completions;jsessionid=1",
            "POST, /v1/chat/completions.json",
            "POST, /v1/chat/completionsx",
            "POST, /v1/chat/completions/x/y/z",
            "POST, /v1/v1/chat/completions",
            "POST, /v2/chat/completions",
            "POST, /v1/chat",
            "POST, /v1",
            "GET, /",
            "POST, /openai/deployments/prod/files",
            "POST, /openai/deployments/prod/responses",
            "POST, /openai/deployments/prod",
            "POST, /openai/deployments",
            "POST, /openai/deployments/prod/extensions/chat/completions",
            "POST, /v1/videos",
            "GET, /v1/organization/users",
            "POST, /v1/responses/compact",
            "GET, /v1/files/f/content/extra",
            "GET, /v1/models/../chat/completions",
            "GET, /v1/models/x/../../chat/completions",
            "GET, /v1/models/..;/chat/completions",
            "POST, /v1/chat/completions/..",
            "POST, /v1/chat/completions/.",
            "GET, /v1/responses/..;",
            "GET, /v1/files/%2e%2e/content",
            "GET, /v1/files/a%2Fb",
            "GET, /v1/files/a\\b",
            "GET, /v1/files/a;b",
            "DELETE, /v1/responses/resp 1",
            "POST, /openai/deployments/../chat/completions",
            "POST, /openai/deployments/%2e%2e/chat/completions",
            "POST, /openai/deployments/a;b/chat/completions",
            "POST, /v1/chat/completions?stream=true",
    })
    void anythingElseIsUnknown(String method, String path) {
        assertSame(Endpoints.UNKNOWN, Endpoints.classify(method, path), method + " " + path);
    }

    /**
     * The bypass property: no junk added to the path of an endpoint the relay moderates or refuses turns
     * it into one that passes unmoderated, whatever a lenient upstream then makes of the junk.
     */
    @Test
    void junkNeverTurnsAnEndpointWithModelTextIntoOneThatPasses() {
        List<java.util.function.UnaryOperator<String>> junk = PathJunk.ALL;
        int checked = 0;
        for (Endpoint e : Endpoints.all()) {
            if (e.coverage() instanceof Coverage.NoModelText || e.method().equals("*")) continue;
            String concrete = PathJunk.concrete(e);
            for (var j : junk) {
                String path = j.apply(concrete);
                Endpoint got = Endpoints.classify(e.method(), path);
                assertFalse(got.coverage() instanceof Coverage.NoModelText, e.name() + " as " + path + " -> " + got.name());
                checked++;
            }
        }
        assertTrue(checked > 500, "checked " + checked);
    }

    /**
     * The index by method and first segment only skips patterns that cannot match: for every path a client could
     * send (each pattern concrete, under every prefix, with every kind of junk, every method, ids in first place),
     * it picks what matching the whole catalogue picks.
     */
    @Test
    void theIndexPicksWhatMatchingEveryPatternPicks() {
        List<String> paths = new ArrayList<>(List.of("", "/", "/v1", "/v1/", "/openai", "/openai/v1", "/x", "/v1/x/y/z",
                "/openai/deployments/d", "/openai/deployments/d/x", "/openai/deployments/../chat/completions"));
        for (Endpoint e : Endpoints.all()) {
            String concrete = PathJunk.concrete(e);
            String bare = concrete.substring(3);
            for (String prefix : List.of("/v1", "", "/openai/v1", "/openai", "/openai/deployments/dep", "/v1/v1")) {
                paths.add(prefix + bare);
                paths.add(prefix + bare.replaceFirst("/[^/]+", "/id_9"));
                paths.add(prefix + bare + "/extra");
                paths.add(prefix + bare.replaceFirst("/[^/]+$", ""));
            }
            for (var j : PathJunk.ALL) paths.add(j.apply(concrete));
        }
        List<String> methods = List.of("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "post", "Get");
        int checked = 0;
        for (String path : paths) {
            for (String m : methods) {
                assertEquals(Endpoints.classifyScanningAll(m, path), Endpoints.classify(m, path), m + " " + path);
                checked++;
            }
        }
        assertTrue(checked > 5000, "checked " + checked);
    }

    @Test
    void caseAndSlashesChangeNothing() {
        java.util.Random random = new java.util.Random(42);
        for (Endpoint e : Endpoints.all()) {
            String concrete = "/v1" + e.path().replaceAll("\\{[a-z]+\\*?}", "id_1");
            for (int i = 0; i < 20; i++) {
                StringBuilder b = new StringBuilder();
                for (char c : concrete.toCharArray()) {
                    b.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
                    if (c == '/' && random.nextInt(4) == 0) b.append('/');
                }
                if (random.nextBoolean()) b.append('/');
                String method = e.method().equals("*") ? "POST" : random.nextBoolean() ? e.method() : e.method().toLowerCase();
                assertEquals(e.name(), Endpoints.classify(method, b.toString()).name(), b.toString());
            }
        }
    }

    @Test
    void unknownIsFailClosedOnEveryAxis() {
        Endpoint u = Endpoints.UNKNOWN;
        assertEquals(Group.OTHER, u.group());
        assertFalse(u.group().byDefault());
        assertEquals(ModelField.REQUIRED, u.model());
        assertInstanceOf(Coverage.Unsupported.class, u.coverage());
        assertSame(u, Endpoints.classify(null, "/v1/chat/completions"));
        assertSame(u, Endpoints.classify("POST", null));
    }

    @Test
    void theThreeDialectsCoverTheirEndpointsStreamedOrWhole() {
        assertEquals(new Coverage.Moderated(ChatDialect.INSTANCE, Streaming.BODY_FLAG),
                Endpoints.classify("POST", "/v1/chat/completions").coverage());
        assertEquals(new Coverage.Moderated(CompletionsDialect.INSTANCE, Streaming.BODY_FLAG),
                Endpoints.classify("POST", "/v1/completions").coverage());
        assertEquals(new Coverage.Moderated(ResponsesDialect.INSTANCE, Streaming.BODY_FLAG),
                Endpoints.classify("POST", "/v1/responses").coverage());
        assertEquals(new Coverage.Moderated(ResponsesDialect.INSTANCE, Streaming.QUERY_FLAG),
                Endpoints.classify("GET", "/v1/responses/resp_1").coverage(), "?stream=true resumes a stream");
        assertEquals(new Coverage.Moderated(ChatDialect.INSTANCE, Streaming.NEVER),
                Endpoints.classify("GET", "/v1/chat/completions/c1").coverage());
        assertEquals(new Coverage.Moderated(ResponsesDialect.INSTANCE, Streaming.NEVER),
                Endpoints.classify("POST", "/v1/responses/r/cancel").coverage());
        assertEquals(Optional.of(ChatDialect.INSTANCE),
                Endpoints.classify("POST", "/openai/deployments/d/chat/completions").dialect());
        assertEquals(Optional.empty(), Endpoints.classify("POST", "/v1/embeddings").dialect());
    }

    /**
     * Every endpoint that answers with a dialect's shape is moderated; every one that can return text a
     * model wrote in another shape is refused. Listed by category so that a new entry must be placed.
     */
    @Test
    void coverageByCategory() {
        List<String> moderated = List.of("chat.completions.create", "chat.completions.retrieve", "chat.completions.update",
                "completions.create", "responses.create", "responses.retrieve", "responses.cancel");
        List<String> unsupported = List.of("chat.completions.list", "chat.completions.messages.list",
                "responses.input_items.list", "conversations.items.list", "conversations.items.retrieve",
                "images.generate", "images.edit", "images.create_variation", "files.content",
                "fine_tuning.alpha.graders.run", "threads.create_and_run", "threads.messages.list",
                "threads.messages.retrieve", "threads.messages.update", "threads.runs.create", "threads.runs.list",
                "threads.runs.retrieve", "threads.runs.update", "threads.runs.cancel", "threads.runs.submit_tool_outputs",
                "threads.runs.steps.list", "threads.runs.steps.retrieve", "vector_stores.search",
                "vector_stores.files.content", "realtime.connect", "realtime.sessions.create",
                "realtime.transcription_sessions.create", "realtime.client_secrets.create", "realtime.other",
                "evals.runs.output_items.list", "evals.runs.output_items.retrieve", "containers.files.content");
        List<String> actualModerated = new ArrayList<>();
        List<String> actualUnsupported = new ArrayList<>();
        for (Endpoint e : Endpoints.all()) {
            if (e.coverage() instanceof Coverage.Moderated) actualModerated.add(e.name());
            if (e.coverage() instanceof Coverage.Unsupported) actualUnsupported.add(e.name());
        }
        assertEquals(moderated, actualModerated);
        assertEquals(Set.copyOf(unsupported), Set.copyOf(actualUnsupported));
        for (String passes : List.of("models.list", "models.retrieve", "embeddings.create", "uploads.create",
                "uploads.parts.create", "files.retrieve", "files.list", "audio.speech.create", "moderations.create",
                "chat.completions.delete", "responses.delete", "files.delete", "batches.create")) {
            assertInstanceOf(Coverage.NoModelText.class, Endpoints.named(passes).orElseThrow().coverage(), passes);
        }
    }

    @Test
    void deleteNeverReturnsModelText() {
        for (Endpoint e : Endpoints.all()) {
            if (e.method().equals("DELETE")) assertInstanceOf(Coverage.NoModelText.class, e.coverage(), e.name());
        }
    }

    @Test
    void theDefaultGroupsAreTheStatelessOnes() {
        List<String> defaults = new ArrayList<>();
        for (Group g : Group.values()) {
            if (g.byDefault()) defaults.add(g.id());
        }
        assertEquals(List.of("chat", "completions", "responses", "embeddings", "models", "audio"), defaults);
        // What lists, reads or deletes objects of the whole upstream account is never in a default group.
        for (String shared : List.of("chat.completions.list", "chat.completions.retrieve", "chat.completions.delete",
                "files.list", "files.content", "files.delete", "batches.create", "models.delete", "fine_tuning.jobs.list",
                "assistants.list", "vector_stores.list", "conversations.items.list", "realtime.sessions.create")) {
            assertFalse(Endpoints.named(shared).orElseThrow().group().byDefault(), shared);
        }
    }

    @Test
    void modelFields() {
        assertEquals(ModelField.REQUIRED, Endpoints.classify("POST", "/v1/chat/completions").model());
        assertEquals(ModelField.DEPLOYMENT, Endpoints.classify("POST", "/openai/deployments/d/chat/completions").model());
        assertEquals(ModelField.REQUIRED, Endpoints.classify("POST", "/openai/v1/chat/completions").model());
        assertEquals(ModelField.REQUIRED, Endpoints.classify("POST", "/v1/audio/transcriptions").model());
        assertEquals(ModelField.REQUIRED, Endpoints.classify("POST", "/v1/moderations").model(),
                "a default model the upstream picks is still a model the key's rules must see");
        assertEquals(ModelField.WHEN_PRESENT, Endpoints.classify("POST", "/v1/assistants/asst_1").model());
        assertEquals(ModelField.NESTED, Endpoints.classify("POST", "/v1/batches").model());
        assertEquals(ModelField.NONE, Endpoints.classify("GET", "/v1/models").model());
        assertFalse(Endpoints.classify("GET", "/v1/files").carriesModel());
        assertTrue(Endpoints.classify("POST", "/v1/embeddings").carriesModel());
    }

    @Test
    void fanOutEndpointsAreTheOnesThatRunManyUpstreamRequests() {
        List<String> fans = Endpoints.all().stream().filter(Endpoint::fansOut).map(Endpoint::name).toList();
        assertEquals(List.of("batches.create", "fine_tuning.jobs.create", "evals.runs.create"), fans);
    }

    @Test
    void theDeploymentIsReadAsSpelledAndNotDecodedAgain() {
        assertEquals(Optional.of("Prod-GPT4o"), Endpoints.deployment("/openai/deployments/Prod-GPT4o/chat/completions"));
        assertEquals(Optional.of("a%2Fb"), Endpoints.deployment("/OpenAI/deployments/a%2Fb/embeddings"));
        assertEquals(Optional.of("x"), Endpoints.deployment("/openai//deployments//x/"));
        assertEquals(Optional.empty(), Endpoints.deployment("/openai/deployments"));
        assertEquals(Optional.empty(), Endpoints.deployment("/v1/chat/completions"));
        assertEquals(Optional.empty(), Endpoints.deployment(null));
    }

    @Test
    void describeNamesMethodPathAndName() {
        assertEquals("GET /v1/files/{id}/content (files.content)", Endpoints.named("files.content").orElseThrow().describe());
        assertTrue(Endpoints.UNKNOWN.describe().contains("unknown"));
    }
}
