package modrelay.loadtests.access;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Raw HTTP for the access tests: status codes, headers, OpenAI-shaped errors. */
final class Web {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    private Web() {}

    static HttpRequest.Builder request(String url, String auth, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (auth != null) b.header("Authorization", auth);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder b) {
        return CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> json(String method, String url, String auth, String body, String... headers) throws Exception {
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return send(request(url, auth, headers).header("Content-Type", "application/json").method(method, p));
    }

    static HttpResponse<String> get(String url, String auth, String... headers) throws Exception {
        return send(request(url, auth, headers).GET());
    }

    static String chat(String model, String reply) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.valueToTree("say:" + reply) + "}]}";
    }

    static JsonNode body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** Asserts the status and the OpenAI error shape; returns the inner error. */
    static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode e = body(r).get("error");
        if (e == null || !e.hasNonNull("message") || !e.hasNonNull("type") || !e.has("code")) {
            throw new AssertionError("not an OpenAI-shaped error: " + r.body());
        }
        return e;
    }
}
