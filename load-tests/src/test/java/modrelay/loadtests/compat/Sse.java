package modrelay.loadtests.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A client's view of one chat request: status, the data lines of its stream, and the text they add up to. */
record Sse(int status, String body, List<String> data) {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    static Sse post(String url, String auth, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (auth != null) b.header("Authorization", auth);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        List<String> data = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:")) data.add(line.substring(5).trim());
        }
        return new Sse(r.statusCode(), r.body(), data);
    }

    static String chat(String model, String say) {
        return "{\"model\":" + JSON.valueToTree(model) + ",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.valueToTree("say:" + say) + "}]}";
    }

    /** Whether the stream ended the way OpenAI's does: its last data line is [DONE]. */
    boolean done() {
        return !data.isEmpty() && data.get(data.size() - 1).equals("[DONE]");
    }

    /** The content deltas of every chunk, in order. */
    String text() throws Exception {
        StringBuilder out = new StringBuilder();
        for (String d : data) {
            if (d.equals("[DONE]")) continue;
            JsonNode n = JSON.readTree(d);
            for (JsonNode c : n.path("choices")) {
                JsonNode content = c.path("delta").path("content");
                if (content.isTextual()) out.append(content.asText());
            }
        }
        return out.toString();
    }

    /** The finish_reason of the last chunk that has one, or "". */
    String finishReason() throws Exception {
        String reason = "";
        for (String d : data) {
            if (d.equals("[DONE]")) continue;
            for (JsonNode c : JSON.readTree(d).path("choices")) {
                if (c.path("finish_reason").isTextual()) reason = c.path("finish_reason").asText();
            }
        }
        return reason;
    }
}
