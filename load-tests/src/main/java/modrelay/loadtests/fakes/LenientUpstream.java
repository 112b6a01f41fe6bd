package modrelay.loadtests.fakes;

import akka.actor.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.coding.Coder;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.stream.Materializer;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately lenient OpenAI-compatible upstream, the kind a bypass works against: it reads any spelling of
 * a path ({@link LenientPaths}), reads a JSON body whatever its content type (none, text/plain, multipart,
 * gzip-encoded) and answers every request that could carry model text with the blocked phrase in it: chat,
 * completions and Responses (streamed and whole, in the field {@code x-leak-field} names, shaped as
 * {@code x-leak-shape} says, in choice {@code x-leak-choice}), stored answers, resumed streams, Assistants
 * threads and runs, batch output files, Conversations items and container files. {@code x-odd-answer} makes the
 * answer odd ({@link OddAnswer}); {@code x-leak-phrase} (percent-encoded UTF-8) overrides the phrase.
 *
 * <p>A real HTTP server on 127.0.0.1; tests call it directly as a control (the phrase must reach a client that
 * talks to it) and through the relay (it must not).
 */
public final class LenientUpstream implements AutoCloseable {

    private static final Config SERVER_CONFIG = ConfigFactory.parseString("""
            akka.http.server {
              idle-timeout = infinite
              request-timeout = infinite
              server-header = ""
              raw-request-uri-header = on
              parsing.uri-parsing-mode = relaxed
              parsing.max-content-length = 16m
            }
            akka.loglevel = WARNING
            """);

    /** A request as the fake read it: the method, the path as sent, the path it understood. */
    public record Seen(String method, String rawTarget, String canonicalPath) {}

    private final ActorSystem system;
    private final ServerBinding binding;
    private final String phrase;
    private final Materializer materializer;
    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();

    private LenientUpstream(String phrase) {
        this.phrase = phrase;
        this.system = ActorSystem.create("lenient-upstream", SERVER_CONFIG.withFallback(ConfigFactory.load()));
        this.materializer = Materializer.matFromSystem(system);
        try {
            this.binding = Http.get(system).newServerAt("127.0.0.1", 0)
                    .bind((akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>>) this::handle)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            system.terminate();
            throw new IllegalStateException("lenient upstream could not bind", e);
        }
    }

    /** @param blockedPhrase what every answer says (somewhere), unless a request names another */
    public static LenientUpstream start(String blockedPhrase) {
        return new LenientUpstream(blockedPhrase);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    /** Every request so far, oldest first. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private CompletionStage<HttpResponse> handle(HttpRequest request) {
        String raw = request.getHeader("raw-request-uri").map(HttpHeader::value).orElse(request.getUri().toString());
        String path = LenientPaths.canonical(raw);
        String query = LenientPaths.query(raw);
        seen.add(new Seen(request.method().value(), raw, path));
        return request.entity().toStrict(10_000, 16L * 1024 * 1024, materializer)
                .thenCompose(strict -> decodedBody(request, strict))
                .thenApply(body -> {
                    try {
                        return answer(request, path, query, body);
                    } catch (IllegalArgumentException badControl) {
                        return FakeErrorReplies.forStatus(400, 0);
                    }
                })
                .exceptionally(FakeErrorReplies::internal);
    }

    /** A request body sent compressed is decoded, as lenient servers do (the relay sees only bytes). */
    private CompletionStage<ByteString> decodedBody(HttpRequest request, HttpEntity.Strict strict) {
        String encoding = request.getHeader("content-encoding").map(h -> h.value().trim().toLowerCase(Locale.ROOT)).orElse("");
        return switch (encoding) {
            case "gzip", "x-gzip" -> Coder.Gzip.decode(strict.getData(), materializer);
            case "deflate" -> Coder.Deflate.decode(strict.getData(), materializer);
            default -> CompletableFuture.completedFuture(strict.getData());
        };
    }

    private HttpResponse answer(HttpRequest request, String path, String query, ByteString bodyBytes) {
        JsonNode body = lenientJson(bodyBytes.utf8String());
        boolean stream = body.path("stream").asBoolean(false) || body.path("stream").asText("").equalsIgnoreCase("true")
                || LenientPaths.queryAsksStream(query);
        LeakField field = header(request, "x-leak-field").map(LeakField::fromWire).orElse(LeakField.CONTENT);
        LeakShape shape = header(request, "x-leak-shape").map(LeakShape::fromWire).orElse(LeakShape.PLAIN);
        OddAnswer odd = header(request, "x-odd-answer").map(OddAnswer::fromWire).orElse(OddAnswer.NONE);
        int choice = header(request, "x-leak-choice").map(Integer::parseInt).orElse(0);
        String said = header(request, "x-leak-phrase").map(LenientPaths::percentDecode).orElse(phrase);
        List<LeakShape.Piece> pieces = shape.pieces(said);
        String text = shape.text(said);
        String id = Long.toString(ids.incrementAndGet());
        String model = body.path("model").asText("lenient-model");
        LenientChatAnswers chat = new LenientChatAnswers(id, model);
        LenientResponsesAnswers responses = new LenientResponsesAnswers(id, model);
        LenientStoredAnswers stored = new LenientStoredAnswers(id);
        String method = request.method().value();
        String[] seg = path.substring(1).split("/");
        // seg[0] is always "v1"
        String route = method + " " + (seg.length > 1 ? seg[1] : "");

        if (path.equals("/v1/chat/completions") && method.equals("POST")) {
            return stream ? sse(odd, chat.chatStream(field, pieces, choice)) : json(odd, chat.chatWhole(field, text, choice));
        }
        if (path.equals("/v1/completions") && method.equals("POST")) {
            return stream ? sse(odd, chat.completionsStream(pieces)) : json(odd, chat.completionsWhole(text));
        }
        if (path.equals("/v1/responses") && method.equals("POST")) {
            return stream ? sse(odd, responses.stream(field, pieces)) : json(odd, responses.whole(field, text));
        }
        if (path.equals("/v1/chat/completions") && method.equals("GET")) {
            return json(odd, stored.list(chat.chatWhole(field, text, choice)));
        }
        if (seg.length == 4 && seg[1].equals("chat") && seg[2].equals("completions") && !method.equals("DELETE")) {
            return json(odd, chat.chatWhole(field, text, choice)); // GET (stored) or POST (metadata update) answer it
        }
        if (seg.length == 5 && seg[1].equals("chat") && seg[4].equals("messages")) {
            return json(odd, stored.list(stored.storedMessage(text)));
        }
        if (seg.length == 3 && seg[1].equals("responses") && method.equals("GET")) {
            return stream ? sse(odd, responses.stream(field, pieces)) : json(odd, responses.whole(field, text));
        }
        if (seg.length == 4 && seg[1].equals("responses") && seg[3].equals("cancel")) {
            return json(odd, responses.whole(field, text));
        }
        if (route.equals("GET threads") && seg.length == 4 && seg[3].equals("messages")) {
            return json(odd, stored.list(stored.threadMessage(text)));
        }
        if (route.equals("GET threads") && seg.length == 5 && seg[3].equals("messages")) {
            return json(odd, stored.threadMessage(text));
        }
        if (route.equals("GET threads") && seg.length == 6 && seg[5].equals("steps")) {
            return json(odd, stored.runSteps(text));
        }
        if (route.equals("POST threads") && (path.endsWith("/runs") || path.endsWith("/submit_tool_outputs"))) {
            if (stream) return sse(odd, stored.runStream(pieces));
            ObjectNode run = FakeUpstreamJson.MAPPER.createObjectNode().put("id", "run_" + id).put("object", "thread.run")
                    .put("status", "queued");
            return json(odd, run);
        }
        if (route.equals("GET files") && seg.length == 4 && seg[3].equals("content")) {
            return file(odd, stored.batchOutput(chat.chatWhole(field, text, choice)), ContentTypes.APPLICATION_OCTET_STREAM);
        }
        if (route.equals("GET conversations") && seg.length == 4 && seg[3].equals("items")) {
            return json(odd, stored.list(stored.conversationItem(text)));
        }
        if (route.equals("GET conversations") && seg.length == 5 && seg[3].equals("items")) {
            return json(odd, stored.conversationItem(text));
        }
        if (route.equals("GET containers") && seg.length == 6 && seg[5].equals("content")) {
            return file(odd, text, ContentTypes.TEXT_PLAIN_UTF8);
        }
        return FakeErrorReplies.unknownUrl(method, path);
    }

    private static HttpResponse sse(OddAnswer odd, List<LenientStep> steps) {
        return odd.answer(steps, true, ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM));
    }

    private static HttpResponse json(OddAnswer odd, JsonNode body) {
        return odd.answer(List.of(LenientStep.raw(body.toString())), false, ContentTypes.APPLICATION_JSON);
    }

    private static HttpResponse file(OddAnswer odd, String body, ContentType type) {
        return odd.answer(List.of(LenientStep.raw(body)), false, type);
    }

    /**
     * The JSON object in a body, found the lenient way: the body itself, else the first '{' to the last '}' (a
     * multipart part, a form field, text around it). No object at all reads as {}.
     */
    static JsonNode lenientJson(String body) {
        JsonNode whole = FakeUpstreamJson.parseOrNull(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (whole != null && whole.isObject()) return whole;
        int open = body.indexOf('{');
        int close = body.lastIndexOf('}');
        if (open >= 0 && close > open) {
            JsonNode inner = FakeUpstreamJson.parseOrNull(
                    body.substring(open, close + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (inner != null && inner.isObject()) return inner;
        }
        return FakeUpstreamJson.MAPPER.createObjectNode();
    }

    private static Optional<String> header(HttpRequest request, String name) {
        return request.getHeader(name).map(HttpHeader::value).filter(v -> !v.isBlank());
    }

    @Override
    public void close() {
        try {
            binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // terminating the system releases the port anyway
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("lenient upstream did not stop within 10 s", e);
        }
    }
}
