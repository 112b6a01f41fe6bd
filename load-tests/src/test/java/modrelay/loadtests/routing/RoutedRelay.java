package modrelay.loadtests.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import modrelay.config.SettingsLoader;
import modrelay.relay.RelayServer;

/** A relay on 127.0.0.1:0 with the given environment (UPSTREAMS and friends), plus raw HTTP helpers. */
final class RoutedRelay implements AutoCloseable {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    final RelayServer server;
    final String baseUrl;

    private RoutedRelay(RelayServer server) {
        this.server = server;
        this.baseUrl = "http://127.0.0.1:" + server.port();
    }

    static RoutedRelay start(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        // Tests here run with server keys and no proxy key; the refusal to start open has tests of its own.
        all.putIfAbsent("ALLOW_OPEN_RELAY", "true");
        return new RoutedRelay(RelayServer.start(SettingsLoader.load(all).listeningOn("127.0.0.1", 0)).toCompletableFuture().join());
    }

    String v1() {
        return baseUrl + "/v1";
    }

    HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String model, String reply, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.valueToTree("say:" + reply) + "}]}";
    }

    static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    /** Asserts the OpenAI error shape (all four fields present, message and type set) and returns the inner object. */
    static JsonNode error(HttpResponse<String> r) throws Exception {
        JsonNode e = json(r.body()).get("error");
        if (e == null || !e.hasNonNull("message") || !e.hasNonNull("type") || !e.has("param") || !e.has("code")) {
            throw new AssertionError("not an OpenAI-shaped error: " + r.body());
        }
        return e;
    }

    @Override
    public void close() {
        server.close();
    }
}
