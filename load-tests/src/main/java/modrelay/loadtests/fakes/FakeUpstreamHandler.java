package modrelay.loadtests.fakes;

import akka.actor.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.pattern.Patterns;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One request in, one response out: reads the body, records it, applies the test controls
 * ({@code x-fake-*} headers, status by key) and hands the request to the endpoint's reply builder.
 */
final class FakeUpstreamHandler {
    private static final long BODY_TIMEOUT_MS = 30_000;
    private static final long MAX_BODY_BYTES = 64L * 1024 * 1024;

    private final FakeUpstream.Options options;
    private final ActorSystem system;
    private final Materializer materializer;
    private final Queue<FakeUpstream.RecordedRequest> recorded;
    private final FakeUpstreamCounter received;
    private final FakeUpstreamReply defaultReply;
    private final FakeUpstreamPace defaultPace;
    private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);
    private final AtomicLong ids = new AtomicLong();

    FakeUpstreamHandler(FakeUpstream.Options options, ActorSystem system, Materializer materializer,
                        Queue<FakeUpstream.RecordedRequest> recorded, FakeUpstreamCounter received) {
        this.options = options;
        this.received = received;
        this.system = system;
        this.materializer = materializer;
        this.recorded = recorded;
        this.defaultReply = FakeUpstreamReply.of(options.defaultReply());
        this.defaultPace = new FakeUpstreamPace(options.tokenInterval(), FakeUpstreamPace.NEVER_STALL);
    }

    CompletionStage<HttpResponse> handle(HttpRequest request, FakeUpstreamConnection connection) {
        HttpEntity entity = request.entity();
        // Most bodies arrive whole and are Strict already; toStrict would still run a stream and a
        // timer for them, which costs more than the whole rest of a request.
        CompletionStage<HttpEntity.Strict> whole = entity instanceof HttpEntity.Strict strict
                ? CompletableFuture.completedFuture(strict)
                : entity.toStrict(BODY_TIMEOUT_MS, MAX_BODY_BYTES, materializer);
        return whole
                .thenCompose(strict -> {
                    byte[] body = strict.getData().toArray();
                    if (options.recordRequests()) recorded.add(recordOf(request, entity, body));
                    received.increment();
                    long delayMs = headerInt(request, "x-fake-delay-headers-ms", 0);
                    if (delayMs <= 0) return answer(request, strict, body, connection);
                    // A timer, not a sleeping thread: thousands of delayed requests cost nothing.
                    return Patterns.after(Duration.ofMillis(delayMs), system, () -> answer(request, strict, body, connection));
                })
                .exceptionally(FakeErrorReplies::internal);
    }

    private CompletionStage<HttpResponse> answer(HttpRequest request, HttpEntity.Strict entity, byte[] body,
                                                 FakeUpstreamConnection connection) {
        if (options.azure().isPresent()) {
            return FakeAzure.answer(options.azure().get(), request, body, options.statusByKey(), options.retryAfterSeconds(),
                    openAiPath -> dispatch(request, entity, body, connection, request.method().value(), openAiPath));
        }
        if (options.provider().isPresent()) return provider(options.provider().get(), request, entity, body, connection);
        Optional<HttpResponse> keyError = FakeKeyErrors.forRequest(request);
        if (keyError.isPresent()) return done(keyError.get());
        Integer forcedStatus = forcedStatus(request);
        if (forcedStatus != null) {
            return done(FakeErrorReplies.forStatus(forcedStatus, options.retryAfterSeconds()));
        }
        return dispatch(request, entity, body, connection, request.method().value(), request.getUri().path());
    }

    /** A provider's endpoint: its path prefix, a bearer key, its rejected fields, then OpenAI's endpoints in its stream shape. */
    private CompletionStage<HttpResponse> provider(FakeProvider p, HttpRequest request, HttpEntity.Strict entity, byte[] body,
                                                   FakeUpstreamConnection connection) {
        String path = request.getUri().path();
        if (!path.startsWith(p.pathPrefix() + "/")) {
            return done(FakeUpstreamHttp.json(404, "{\"error\":{\"message\":\"" + p.name() + ": no such path " + path
                    + "\",\"type\":\"invalid_request_error\",\"code\":\"not_found\"}}"));
        }
        boolean bearer = request.getHeader("authorization").map(h -> h.value().regionMatches(true, 0, "Bearer ", 0, 7)
                && h.value().length() > 7).orElse(false);
        if (!bearer) {
            return done(FakeUpstreamHttp.json(401, "{\"error\":{\"message\":\"" + p.name() + ": missing bearer key\","
                    + "\"type\":\"authentication_error\",\"code\":\"invalid_api_key\"}}"));
        }
        String openAiPath = "/v1" + path.substring(p.pathPrefix().length());
        if (request.method().value().equals("POST") && openAiPath.equals("/v1/chat/completions")) {
            JsonNode json = FakeUpstreamJson.parseOrNull(body);
            if (json != null && json.isObject() && json.path("model").asText("").startsWith(p.rejectedFor())) {
                for (String field : p.rejected()) {
                    if (json.has(field)) {
                        return done(FakeUpstreamHttp.json(400, "{\"error\":{\"message\":\"" + p.name() + " rejects "
                                + field + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_parameter\"}}"));
                    }
                }
            }
            return generation(request, body, FakeUpstreamPrompts::chatPrompt,
                    call -> FakeProviderReplies.reply(p, call, connection));
        }
        return dispatch(request, entity, body, connection, request.method().value(), openAiPath);
    }

    /** The OpenAI endpoint at {@code path} (for Azure mode, the OpenAI path its deployment path stands for). */
    private CompletionStage<HttpResponse> dispatch(HttpRequest request, HttpEntity.Strict entity, byte[] body,
                                                   FakeUpstreamConnection connection, String method, String path) {
        if (method.equals("GET")) {
            if (path.equals("/v1/models")) return done(FakeModelReplies.list());
            if (path.startsWith("/v1/models/")) return done(FakeModelReplies.get(path.substring("/v1/models/".length())));
        } else if (method.equals("POST")) {
            switch (path) {
                case "/v1/chat/completions":
                    return generation(request, body, FakeUpstreamPrompts::chatPrompt,
                            call -> FakeChatReplies.reply(call, connection));
                case "/v1/completions":
                    return generation(request, body, FakeUpstreamPrompts::completionPrompt,
                            call -> FakeCompletionReplies.reply(call, connection));
                case "/v1/responses":
                    return generation(request, body, FakeUpstreamPrompts::responsesPrompt,
                            call -> FakeResponsesReplies.reply(call, connection));
                case "/v1/embeddings":
                    return withJson(body, FakeEmbeddingReplies::reply);
                case "/v1/audio/speech":
                    return withJson(body, FakeSpeechReplies::reply);
                case "/v1/files":
                    return FakeFileReplies.reply(entity, materializer);
                default:
                    break;
            }
        }
        return done(FakeErrorReplies.unknownUrl(method, path));
    }

    private CompletionStage<HttpResponse> generation(HttpRequest request, byte[] body,
                                                     Function<JsonNode, String> promptOf,
                                                     Function<FakeUpstreamCall, HttpResponse> reply) {
        JsonNode json = FakeUpstreamJson.parseOrNull(body);
        if (json == null || !json.isObject()) return done(FakeErrorReplies.badJson());
        String prompt = promptOf.apply(json);
        FakeUpstreamCall call = new FakeUpstreamCall(
                idPrefix + ids.incrementAndGet(),
                System.currentTimeMillis() / 1000,
                FakeUpstreamJson.quote(json.path("model").asText("fake-model")),
                FakeUpstreamPrompts.replyFor(prompt, defaultReply),
                FakeUpstreamPrompts.promptTokens(prompt),
                json.path("stream").asBoolean(false),
                json.path("stream_options").path("include_usage").asBoolean(false),
                request.getHeader("x-fake-reasoning").isPresent(),
                paceOf(request));
        return done(reply.apply(call));
    }

    private static CompletionStage<HttpResponse> withJson(byte[] body, Function<JsonNode, HttpResponse> reply) {
        JsonNode json = FakeUpstreamJson.parseOrNull(body);
        return done(json == null || !json.isObject() ? FakeErrorReplies.badJson() : reply.apply(json));
    }

    private FakeUpstreamPace paceOf(HttpRequest request) {
        int intervalMs = headerInt(request, "x-fake-token-interval-ms", -1);
        int stallAfter = headerInt(request, "x-fake-stall-after-tokens", FakeUpstreamPace.NEVER_STALL);
        if (intervalMs < 0 && stallAfter == FakeUpstreamPace.NEVER_STALL) return defaultPace;
        Duration interval = intervalMs < 0 ? options.tokenInterval() : Duration.ofMillis(intervalMs);
        return new FakeUpstreamPace(interval, Math.max(stallAfter, FakeUpstreamPace.NEVER_STALL));
    }

    /** {@code x-fake-status} wins; otherwise the status configured for the request's API key, if any. */
    private Integer forcedStatus(HttpRequest request) {
        int fromHeader = headerInt(request, "x-fake-status", 0);
        if (fromHeader > 0) return fromHeader;
        if (options.statusByKey().isEmpty()) return null;
        return request.getHeader("authorization")
                .map(HttpHeader::value)
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> options.statusByKey().get(value.substring(7).trim()))
                .orElse(null);
    }

    private static int headerInt(HttpRequest request, String name, int absent) {
        Optional<HttpHeader> header = request.getHeader(name);
        if (header.isEmpty()) return absent;
        try {
            return Integer.parseInt(header.get().value().trim());
        } catch (NumberFormatException ignored) {
            return absent;
        }
    }

    private static FakeUpstream.RecordedRequest recordOf(HttpRequest request, HttpEntity entity, byte[] body) {
        Map<String, String> headers = new HashMap<>();
        for (HttpHeader header : request.getHeaders()) {
            // Akka adds synthetic headers that never travelled over the wire.
            if (header.is("timeout-access") || header.is("remote-address") || header.is("raw-request-uri")) continue;
            headers.merge(header.lowercaseName(), header.value(), (first, next) -> first + ", " + next);
        }
        // Akka moves these two into the entity model; put them back where a reader expects them.
        if (!entity.getContentType().equals(ContentTypes.NO_CONTENT_TYPE)) {
            headers.put("content-type", entity.getContentType().toString());
        }
        // An empty body reads the same with or without "Content-Length: 0"; report only real lengths.
        if (!entity.isChunked() && entity.getContentLengthOption().orElse(0) > 0) {
            headers.put("content-length", Long.toString(entity.getContentLengthOption().getAsLong()));
        }
        String query = request.getUri().rawQueryString().map(q -> "?" + q).orElse("");
        return new FakeUpstream.RecordedRequest(request.method().value(), request.getUri().path() + query,
                Collections.unmodifiableMap(headers), body);
    }

    private static CompletionStage<HttpResponse> done(HttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
