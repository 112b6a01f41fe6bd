package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ModelsEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicReference<ModelList> list = new AtomicReference<>(
            ModelList.of(List.of("openai", "deepseek"), List.of(List.of("gpt-4o", "o3/mini"), List.of("deepseek-chat"))));
    private final ModelsEndpoint models = new ModelsEndpoint(list);

    private static JsonNode json(HttpResponse r) throws Exception {
        return JSON.readTree(((HttpEntity.Strict) r.entity()).getData().toArray());
    }

    @Test
    void servesOnlyGetsOfTheModelsPaths() {
        assertTrue(ModelsEndpoint.serves(HttpMethods.GET, "/v1/models"));
        assertTrue(ModelsEndpoint.serves(HttpMethods.GET, "/v1/models/gpt-4o"));
        assertFalse(ModelsEndpoint.serves(HttpMethods.DELETE, "/v1/models/ft:gpt-4o:me"), "deleting a fine-tune goes upstream");
        assertFalse(ModelsEndpoint.serves(HttpMethods.POST, "/v1/models"));
        assertFalse(ModelsEndpoint.serves(HttpMethods.GET, "/v1/modelsx"));
    }

    @Test
    void answersFromTheLatestPublishedList() throws Exception {
        JsonNode all = json(models.answer("/v1/models"));
        assertEquals(3, all.get("data").size());
        assertEquals("deepseek", json(models.answer("/v1/models/deepseek-chat")).get("owned_by").asText());
        assertEquals("o3/mini", json(models.answer("/v1/models/o3%2Fmini")).get("id").asText(), "an encoded id is decoded");
        list.set(ModelList.of(List.of("openai"), List.of(List.of("gpt-4o"))));
        assertEquals(1, json(models.answer("/v1/models")).get("data").size(), "the catalog's next list, no restart");
    }

    @Test
    void anUnknownModelIsAnOpenAiShaped404() throws Exception {
        HttpResponse r = models.answer("/v1/models/gpt-9");
        assertEquals(404, r.status().intValue());
        assertEquals("model_not_found", json(r).get("error").get("code").asText());
    }
}
