package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /v1/embeddings}: one small deterministic vector per input (same text, same vector),
 * as floats or, when {@code encoding_format} is {@code base64}, as base64 of little-endian float32s.
 */
final class FakeEmbeddingReplies {
    static final int DIMENSIONS = 8;

    private FakeEmbeddingReplies() {}

    static HttpResponse reply(JsonNode body) {
        List<String> inputs = inputsOf(body.path("input"));
        boolean base64 = "base64".equals(body.path("encoding_format").asText());
        StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (i > 0) json.append(',');
            float[] vector = vectorOf(inputs.get(i));
            json.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":")
                    .append(base64 ? '"' + base64Of(vector) + '"' : floatsOf(vector)).append('}');
            tokens += FakeUpstreamPrompts.promptTokens(inputs.get(i));
        }
        json.append("],\"model\":").append(FakeUpstreamJson.quote(body.path("model").asText("text-embedding-3-small")))
                .append(",\"usage\":{\"prompt_tokens\":").append(tokens).append(",\"total_tokens\":").append(tokens).append("}}");
        return FakeUpstreamHttp.json(json.toString());
    }

    /** A unit vector seeded by the text. */
    static float[] vectorOf(String input) {
        SplittableRandom random = new SplittableRandom(input.hashCode());
        float[] vector = new float[DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < DIMENSIONS; i++) {
            vector[i] = (float) (random.nextDouble() * 2 - 1);
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < DIMENSIONS; i++) vector[i] = (float) (vector[i] / Math.sqrt(norm));
        return vector;
    }

    private static List<String> inputsOf(JsonNode input) {
        List<String> inputs = new ArrayList<>();
        if (input.isArray()) {
            // Arrays of token ids are embedded by their JSON text: deterministic all the same.
            input.forEach(item -> inputs.add(item.isTextual() ? item.asText() : item.toString()));
        } else {
            inputs.add(input.asText(""));
        }
        return inputs;
    }

    private static String floatsOf(float[] vector) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) out.append(',');
            out.append(vector[i]);
        }
        return out.append(']').toString();
    }

    private static String base64Of(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) bytes.putFloat(value);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
