package modrelay.loadtests.bypass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A streamed answer as an SSE client reads it after its own decoding: the text of the deltas (chat
 * {@code content} or Responses {@code delta}), the finish reasons, whether {@code [DONE]} came, the last
 * event's type, and any {@code error} object.
 */
record SeenStream(String text, List<String> finishReasons, boolean done, String lastType, JsonNode error) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static SeenStream of(RawHttp.Answer answer) throws Exception {
        String body = new String(ClientView.decode(answer.body(), answer.header("content-encoding")), StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        boolean done = false;
        String lastType = "";
        JsonNode error = null;
        for (String data : dataOf(body)) {
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonNode json = JSON.readTree(data);
            if (json.has("error")) error = json.get("error");
            if (json.path("type").asText("").equals("error")) error = json;
            if (json.has("type")) lastType = json.get("type").asText();
            if (json.path("type").asText("").endsWith("output_text.delta")) text.append(json.path("delta").asText(""));
            for (JsonNode choice : json.path("choices")) {
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual()) text.append(content.textValue());
                if (choice.path("finish_reason").isTextual()) finish.add(choice.get("finish_reason").textValue());
            }
        }
        return new SeenStream(text.toString(), finish, done, lastType, error);
    }

    /** The data of each event, as an SSE parser reads it (LF, CRLF or CR line ends; comments and other fields ignored). */
    static List<String> dataOf(String body) {
        List<String> out = new ArrayList<>();
        StringBuilder data = null;
        for (String line : (body + "\n\n").split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) out.add(data.toString());
                data = null;
            } else if (line.startsWith("data:")) {
                String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return out;
    }
}
