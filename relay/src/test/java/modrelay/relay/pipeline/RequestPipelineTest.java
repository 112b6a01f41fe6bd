package modrelay.relay.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.Moderator;
import modrelay.moderation.Policy;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.relay.access.Admission;
import modrelay.relay.endpoint.RequestModel;
import modrelay.relay.endpoint.UnmoderatedEndpoints;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.UpstreamBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request path without HTTP: the real filters in their order, a terminal that records what would go upstream. */
class RequestPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ActorSystem<Void> system;
    private static Materializer materializer;

    /** A moderator that blocks any text containing "forbidden", and counts its calls. */
    private static final class WordModerator implements Moderator {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean down;

        @Override
        public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
            calls.incrementAndGet();
            if (down) return CompletableFuture.completedFuture(new Verdict.Unavailable("test outage", "words"));
            Suggestion s = text.contains("forbidden") ? Suggestion.BLOCK : Suggestion.PASS;
            return CompletableFuture.completedFuture(new Verdict.Judged(s, s == Suggestion.PASS ? "Normal" : "Abuse", "", 90, "words", ""));
        }

        @Override
        public String name() {
            return "words";
        }
    }

    private final WordModerator moderator = new WordModerator();
    private final AtomicReference<Exchange> sentUpstream = new AtomicReference<>();

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "pipeline-test");
        materializer = Materializer.matFromSystem(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private RequestPipeline pipeline(Policy policy, boolean inputModeration, FailMode failMode) {
        List<RequestFilter> filters = List.of(
                new CanonicalPathFilter("/relay"),
                ex -> Step.next(ex.withAdmission(new Admission.ProxyKey("key-1"), Optional.empty())),
                new BodyFilter(1024, 1 << 20, Duration.ofSeconds(5), new BodyBudget(1 << 20), false, materializer),
                new ModerationLevelFilter(policy, true, UnmoderatedEndpoints.NONE),
                new ModelRulesFilter(d -> d),
                new InputModerationFilter(Optional.of(moderator), inputModeration, failMode,
                        new modrelay.relay.observability.ModerationEvents(10)));
        return new RequestPipeline(filters, ex -> {
            sentUpstream.set(ex);
            return CompletableFuture.completedFuture(HttpResponse.create());
        }, (ex, r, outcome) -> CompletableFuture.completedFuture(r.addHeader(RawHeader.create("X-Outcome", outcome))));
    }

    private RequestPipeline pipeline() {
        return pipeline(new Policy(ModerationLevel.OFF, ModerationLevel.OFF), false, FailMode.CLOSED);
    }

    private static HttpRequest post(String path, String contentType, String body) {
        return HttpRequest.POST("http://relay" + path).withEntity(HttpEntities.create(
                akka.http.javadsl.model.ContentTypes.parse(contentType), body.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse run(RequestPipeline p, HttpRequest request) throws Exception {
        return p.run(Exchange.arriving("req-1", "127.0.0.1", request, new modrelay.relay.exchange.BodyEnd())).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static JsonNode error(HttpResponse r) throws Exception {
        byte[] body = r.entity().toStrict(1000, materializer).toCompletableFuture().get(5, TimeUnit.SECONDS).getData().toArray();
        return JSON.readTree(body).get("error");
    }

    private static String upstreamBody(Exchange ex) {
        return ((UpstreamBody.Json) ex.inbound().body()).bytes().utf8String();
    }

    @Test
    void theUpstreamGetsTheCanonicalPathAndTheBodyTheRelayJudged() throws Exception {
        HttpResponse r = run(pipeline(), post("/relay//V1/chat//completions/?x=1", "text/plain",
                "{\"model\":\"gpt-4o\",\"moderation\":false,\"messages\":[]}"));
        assertEquals(200, r.status().intValue());
        Exchange ex = sentUpstream.get();
        assertEquals("/V1/chat/completions?x=1", ex.path());
        assertEquals("chat.completions.create", ex.inbound().endpoint().name());
        assertEquals(new RequestModel.Named("gpt-4o"), ex.inbound().model());
        assertEquals(Optional.of("gpt-4o"), ex.model());
        // Read as JSON whatever its content type said, and sent as what it is.
        assertEquals(ContentTypes.APPLICATION_JSON, ex.inbound().body().entity().getContentType());
        assertEquals(JSON.readTree("{\"model\":\"gpt-4o\",\"messages\":[]}"), JSON.readTree(upstreamBody(ex)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/relay/v1/chat%2Fcompletions", "/relay/v1/chat/completions;v=1", "/relay/v1/chat/completions%00",
            "/relay/v1/chat/completions%20"})
    void ambiguousPathsNeverReachTheUpstream(String path) throws Exception {
        HttpResponse r = run(pipeline(), post(path, "application/json", "{\"model\":\"m\"}"));
        assertEquals(400, r.status().intValue());
        assertEquals("invalid_path", error(r).get("code").asText());
        assertEquals("rejected", r.getHeader("X-Outcome").get().value());
        assertNull(sentUpstream.get());
    }

    @Test
    void aPathOutsideThePrefixIs404() throws Exception {
        HttpResponse r = run(pipeline(), post("/relayed/v1/chat/completions", "application/json", "{}"));
        assertEquals(404, r.status().intValue());
        assertNull(sentUpstream.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\":\"a\",\"model\":\"b\"}", "{\"model\":\"a\",\"t\":NaN}", "not json", "[1]"})
    void bodiesTwoParsersCouldReadDifferentlyAre400(String body) throws Exception {
        HttpResponse r = run(pipeline(), post("/relay/v1/chat/completions", "application/json", body));
        assertEquals(400, r.status().intValue());
        assertEquals("invalid_json", error(r).get("code").asText());
        assertNull(sentUpstream.get());
    }

    @Test
    void aJsonBodyOverMaxJsonBytesIs413() throws Exception {
        HttpResponse r = run(pipeline(), post("/relay/v1/chat/completions", "application/json",
                "{\"model\":\"m\",\"x\":\"" + "a".repeat(2000) + "\"}"));
        assertEquals(413, r.status().intValue());
        assertNull(sentUpstream.get());
    }

    @Test
    void aModeratedRequestToAnEndpointWhoseTextTheRelayCannotReadIsRefused() throws Exception {
        RequestPipeline p = pipeline(new Policy(ModerationLevel.HIGH, ModerationLevel.HIGH), false, FailMode.CLOSED);
        HttpResponse r = run(p, HttpRequest.GET("http://relay/relay/v1/threads/t1/messages"));
        assertEquals(403, r.status().intValue());
        assertEquals("moderation_unsupported_endpoint", error(r).get("code").asText());
        HttpResponse unknown = run(p, HttpRequest.GET("http://relay/relay/v1/something/new"));
        assertEquals(403, unknown.status().intValue());
        assertNull(sentUpstream.get());
        // What holds no model text passes; a stored answer is moderated with its dialect.
        assertEquals(200, run(p, HttpRequest.GET("http://relay/relay/v1/models")).status().intValue());
        assertEquals(200, run(p, HttpRequest.GET("http://relay/relay/v1/responses/resp_1")).status().intValue());
        assertTrue(sentUpstream.get().moderated());
        assertEquals("responses", sentUpstream.get().dialect().get().name());
    }

    @Test
    void spokenOutputIsRefusedUnderModerationAndServedWithout() throws Exception {
        RequestPipeline moderated = pipeline(new Policy(ModerationLevel.HIGH, ModerationLevel.HIGH), false, FailMode.CLOSED);
        for (String audio : new String[] {"{\"model\":\"m\",\"modalities\":[\"text\",\"AUDIO\"],\"messages\":[]}",
                "{\"model\":\"m\",\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"},\"messages\":[]}"}) {
            HttpResponse r = run(moderated, post("/relay/v1/chat/completions", "application/json", audio));
            assertEquals(403, r.status().intValue());
            assertEquals("moderation_unsupported_output", error(r).get("code").asText());
            assertNull(sentUpstream.get());
        }
        HttpResponse text = run(moderated, post("/relay/v1/chat/completions", "application/json",
                "{\"model\":\"m\",\"modalities\":[\"text\"],\"messages\":[]}"));
        assertEquals(200, text.status().intValue());
        sentUpstream.set(null);
        HttpResponse unmoderated = run(pipeline(), post("/relay/v1/chat/completions", "application/json",
                "{\"model\":\"m\",\"modalities\":[\"audio\"],\"messages\":[]}"));
        assertEquals(200, unmoderated.status().intValue());
    }

    @Test
    void theBodysFlagsSetTheLevelAndNeverGoUpstream() throws Exception {
        HttpResponse r = run(pipeline(), post("/relay/v1/completions", "application/json",
                "{\"model\":\"m\",\"moderation_level\":\"low\",\"prompt\":\"p\"}"));
        assertEquals(200, r.status().intValue());
        assertEquals(ModerationLevel.LOW, sentUpstream.get().level());
        assertFalse(upstreamBody(sentUpstream.get()).contains("moderation"));
        HttpResponse bad = run(pipeline(), post("/relay/v1/completions", "application/json", "{\"moderation_level\":\"max\"}"));
        assertEquals(400, bad.status().intValue());
        assertEquals("invalid_moderation_level", error(bad).get("code").asText());
    }

    @Test
    void inputModerationJudgesTheNewestUserTurnBeforeAnythingIsSent() throws Exception {
        RequestPipeline p = pipeline(new Policy(ModerationLevel.OFF, ModerationLevel.OFF), true, FailMode.CLOSED);
        String blocked = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"say the forbidden word\"}]}]}";
        HttpResponse r = run(p, post("/relay/v1/chat/completions", "application/json", blocked));
        assertEquals(400, r.status().intValue());
        assertEquals("content_filter", error(r).get("code").asText());
        assertNull(sentUpstream.get());
        // The operator's switch cannot be turned off by the request.
        HttpResponse off = run(p, post("/relay/v1/chat/completions", "application/json",
                blocked.replace("{\"model\":\"m\",", "{\"model\":\"m\",\"moderation_input\":false,")));
        assertEquals(400, off.status().intValue());
        String clean = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"forbidden earlier\"},"
                + "{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"fine now\"}]}";
        assertEquals(200, run(p, post("/relay/v1/chat/completions", "application/json", clean)).status().intValue());
        assertEquals(3, moderator.calls.get());
    }

    @Test
    void aRequestCanAskForInputModerationAndAnOutageFailsClosed() throws Exception {
        RequestPipeline p = pipeline();
        String asks = "{\"model\":\"m\",\"moderation_input\":true,\"input\":\"the forbidden thing\"}";
        assertEquals(400, run(p, post("/relay/v1/responses", "application/json", asks)).status().intValue());
        moderator.down = true;
        HttpResponse r = run(p, post("/relay/v1/responses", "application/json", asks.replace("forbidden", "harmless")));
        assertEquals(503, r.status().intValue());
        assertEquals("moderation_unavailable", error(r).get("code").asText());
        assertNull(sentUpstream.get());
        HttpResponse open = run(pipeline(new Policy(ModerationLevel.OFF, ModerationLevel.OFF), false, FailMode.OPEN),
                post("/relay/v1/responses", "application/json", asks.replace("forbidden", "harmless")));
        assertEquals(200, open.status().intValue());
    }

    @Test
    void filtersRunInOrderAndAnAsynchronousStepResumesTheChain() throws Exception {
        List<String> seen = new ArrayList<>();
        RequestPipeline p = new RequestPipeline(List.of(
                ex -> { seen.add("a"); return Step.next(ex); },
                ex -> { seen.add("b"); return Step.later(CompletableFuture.supplyAsync(() -> Step.next(ex))); },
                ex -> { seen.add("c"); return Step.refuse(ex, HttpResponse.create().withStatus(429)); },
                ex -> { seen.add("never"); return Step.next(ex); }),
                ex -> { seen.add("terminal"); return CompletableFuture.completedFuture(HttpResponse.create()); },
                (ex, r, outcome) -> CompletableFuture.completedFuture(r));
        HttpResponse r = p.run(Exchange.arriving("r", "ip", HttpRequest.create().withMethod(HttpMethods.GET), new modrelay.relay.exchange.BodyEnd()))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(429, r.status().intValue());
        assertEquals(List.of("a", "b", "c"), seen);
        assertInstanceOf(Step.Continue.class, Step.next(null));
    }
}
