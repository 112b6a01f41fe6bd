package modrelay.loadtests.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.relay.RelayServer;

/** Helpers for the observability tests: a relay on 127.0.0.1:0, raw HTTP calls, SSE text, chat log files. */
final class Observed {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    private Observed() {}

    static RelayServer relay(String upstreamUrl, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("UPSTREAM_URL", upstreamUrl);
        // Tests here run with server keys and no proxy key; the refusal to start open has tests of its own.
        all.putIfAbsent("ALLOW_OPEN_RELAY", "true");
        Settings settings = SettingsLoader.load(all).listeningOn("127.0.0.1", 0);
        return RelayServer.start(settings).toCompletableFuture().join();
    }

    static String base(RelayServer relay) {
        return "http://127.0.0.1:" + relay.port();
    }

    static HttpRequest.Builder post(String url, String auth, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (auth != null) b.header("Authorization", auth);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String reply, boolean stream, String extra) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + extra + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.valueToTree("say:" + reply) + "}]}";
    }

    /** The text a chat or completions SSE body carried (content deltas, choice 0), as a client would show it. */
    static String sseText(String body) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\n")) {
            if (!line.startsWith("data:")) continue;
            String data = line.substring(5).trim();
            if (data.equals("[DONE]") || data.isEmpty()) continue;
            JsonNode event = JSON.readTree(data);
            for (JsonNode choice : event.path("choices")) {
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual()) text.append(content.asText());
                JsonNode legacy = choice.path("text");
                if (legacy.isTextual()) text.append(legacy.asText());
            }
            if (event.path("type").asText().equals("response.output_text.delta")) text.append(event.path("delta").asText());
        }
        return text.toString();
    }

    /** Every line of every chat log file in {@code dir}; fails on a line that is not one JSON object. */
    static List<JsonNode> chatEntries(Path dir) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("chat-\\d{4}-\\d{2}-\\d{2}(\\.\\d+)?\\.jsonl")).sorted().toList();
        }
        for (Path f : files) {
            String content = Files.readString(f);
            if (!content.isEmpty() && !content.endsWith("\n")) throw new AssertionError(f + " ends with a half-written line");
            for (String line : content.split("\n")) {
                if (line.isEmpty()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (Exception e) {
                    throw new AssertionError("not JSON in " + f + ": " + line, e);
                }
                if (node == null || !node.isObject()) throw new AssertionError("not a JSON object in " + f + ": " + line);
                out.add(node);
            }
        }
        return out;
    }

    static JsonNode entry(List<JsonNode> entries, String requestId) {
        List<JsonNode> found = entries.stream().filter(e -> e.path("request_id").asText().equals(requestId)).toList();
        if (found.size() != 1) throw new AssertionError(found.size() + " chat log entries for " + requestId + " in " + entries);
        return found.get(0);
    }
}
