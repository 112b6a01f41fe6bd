package modrelay.loadtests.compat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The relay's admin API as an operator's script calls it. */
record Admin(String baseUrl, String token) {
    record Answer(int status, JsonNode body, String text) {}

    Answer call(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = Sse.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isBlank() ? null : Sse.JSON.readTree(r.body());
        return new Answer(r.statusCode(), body, r.body());
    }
}
