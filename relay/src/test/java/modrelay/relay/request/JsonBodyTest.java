package modrelay.relay.request;

import modrelay.relay.endpoint.RequestModel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonBody parse(String json) throws JsonBody.Invalid {
        return JsonBody.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode tree(byte[] b) throws Exception {
        return JSON.readTree(b);
    }

    @Test
    void aBodyWithoutFlagsGoesUpstreamByteForByte() throws Exception {
        byte[] body = "{ \"model\" : \"gpt-4o\",\n \"stream\": true, \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}] }"
                .getBytes(StandardCharsets.UTF_8);
        JsonBody b = JsonBody.parse(body);
        assertArrayEquals(body, b.upstream());
        assertEquals(new RequestModel.Named("gpt-4o"), b.model());
        assertTrue(b.stream());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"moderation\":true,\"model\":\"m\",\"n\":12,\"x\":1.5e3,\"t\":true,\"z\":null,\"s\":\"a\\\"b\\u00e9\",\"o\":{\"a\":[1,{}]}}",
            "{\"model\":\"m\" , \"moderation_level\" : \"high\" , \"n\" : -0 }",
            "{\"n\":123,\"moderation\":false}",
            "{\"moderation\":null}",
            "{\"a\":[],\"moderation_input\":true,\"b\":{}}",
    })
    void flagsAreTakenOutAndEverythingElseIsKept(String json) throws Exception {
        JsonBody b = parse(json);
        ObjectNode expected = (ObjectNode) JSON.readTree(json);
        expected.remove(List.of("moderation", "moderation_level", "moderation_input"));
        assertEquals(expected, tree(b.upstream()));
    }

    @Test
    void theModelIsRenamedInPlaceOrAdded() throws Exception {
        JsonBody b = parse("{\"model\":\"gpt-4o\",\"moderation\":true,\"n\":1}");
        assertEquals(JSON.readTree("{\"model\":\"deploy-\\\"x\\\"\",\"n\":1}"), tree(b.upstreamWithModel("deploy-\"x\"")));
        JsonBody none = parse("{\"n\":1}");
        assertEquals(JSON.readTree("{\"n\":1,\"model\":\"m\"}"), tree(none.upstreamWithModel("m")));
    }

    @Test
    void theModelIsTypedSoAKeyWithRulesCanRefuseWhatItCannotRead() throws Exception {
        assertEquals(RequestModel.MISSING, parse("{\"messages\":[]}").model());
        assertEquals(RequestModel.MISSING, parse("{\"model\":null}").model());
        assertEquals(new RequestModel.NotAString("number"), parse("{\"model\":123}").model());
        assertEquals(new RequestModel.NotAString("array"), parse("{\"model\":[\"gpt-4o\"]}").model());
        assertEquals(new RequestModel.NotAString("object"), parse("{\"model\":{\"name\":\"gpt-4o\"},\"n\":1}").model());
        assertEquals(new RequestModel.Named("gpt-4o"), parse("{\"mod\\u0065l\":\"gpt-4o\"}").model());
        // Some servers fold the case of keys: a twin in another case is a model the relay cannot name.
        assertInstanceOf(RequestModel.Unreadable.class, parse("{\"model\":\"gpt-4o-mini\",\"MODEL\":\"gpt-4o\"}").model());
        assertInstanceOf(RequestModel.Unreadable.class, parse("{\"Model\":\"gpt-4o\",\"model\":\"gpt-4o-mini\"}").model());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"a\",\"model\":\"b\"}",                 // which one wins differs between parsers
            "{\"mod\\u0065l\":\"a\",\"model\":\"b\"}",           // the same key, spelled twice
            "{\"o\":{\"k\":1,\"k\":2}}",
            "{\"model\":\"a\",\"temperature\":NaN}",
            "{\"model\":\"a\",\"x\":Infinity}",
            "{\"model\":\"a\"} {\"model\":\"b\"}",
            "{\"model\":\"a\"}garbage",
            "{\"model\":'a'}",
            "{\"model\":\"a\",}",
            "{/*c*/\"model\":\"a\"}",
            "[{\"model\":\"a\"}]",
            "\"model\"",
            "",
            "{\"model\":\"a\"",
            "{\"stream\":\"true\"}",
            "{\"stream\":1}",
    })
    void bodiesThatParsersReadDifferentlyAreRefused(String json) {
        assertThrows(JsonBody.Invalid.class, () -> parse(json));
    }

    @Test
    void flagsOfTheWrongTypeAreRefusedAsFlags() {
        JsonBody.Invalid e = assertThrows(JsonBody.Invalid.class, () -> parse("{\"moderation\":\"yes\"}"));
        assertTrue(e.flag());
        assertTrue(assertThrows(JsonBody.Invalid.class, () -> parse("{\"moderation_level\":3}")).flag());
        assertFalse(assertThrows(JsonBody.Invalid.class, () -> parse("{\"a\":NaN}")).flag());
    }

    @Test
    void nonUtf8BodiesAreRefused() {
        byte[] utf16 = "{\"model\":\"a\"}".getBytes(StandardCharsets.UTF_16LE);
        assertThrows(JsonBody.Invalid.class, () -> JsonBody.parse(utf16));
        byte[] bom16 = "{\"model\":\"a\"}".getBytes(StandardCharsets.UTF_16);
        assertThrows(JsonBody.Invalid.class, () -> JsonBody.parse(bom16));
    }

    @Test
    void nestingIsBounded() throws Exception {
        String deep = "[".repeat(JsonBody.MAX_DEPTH + 5) + "]".repeat(JsonBody.MAX_DEPTH + 5);
        assertThrows(JsonBody.Invalid.class, () -> parse("{\"x\":" + deep + "}"));
        String ok = "[".repeat(JsonBody.MAX_DEPTH - 2) + "]".repeat(JsonBody.MAX_DEPTH - 2);
        assertEquals(RequestModel.MISSING, parse("{\"x\":" + ok + "}").model());
    }

    @Test
    void streamOptionsIncludeUsageIsRead() throws Exception {
        assertEquals(Optional.of(true), parse("{\"stream_options\":{\"x\":{\"y\":1},\"include_usage\":true}}").includeUsage());
        assertEquals(Optional.empty(), parse("{\"stream_options\":null}").includeUsage());
    }

    @Test
    void theNewestUserTurnIsFoundInEveryShape() throws Exception {
        assertEquals(List.of("second", "part two"), parse("{\"messages\":[{\"role\":\"user\",\"content\":\"first\"},"
                + "{\"role\":\"assistant\",\"content\":\"reply\"},{\"content\":[{\"type\":\"text\",\"text\":\"second\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:x\"}},{\"type\":\"text\",\"text\":\"part two\"}],"
                + "\"role\":\"user\"},{\"role\":\"system\",\"content\":\"sys\"}]}").newestUserText());
        assertEquals(List.of("just this"), parse("{\"input\":\"just this\"}").newestUserText());
        assertEquals(List.of("a", "b"), parse("{\"input\":[{\"role\":\"user\",\"content\":\"old\"},{\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"a\"},{\"type\":\"input_text\",\"text\":\"b\"}]}]}").newestUserText());
        assertEquals(List.of("p1", "p2"), parse("{\"prompt\":[\"p1\",\"p2\"]}").newestUserText());
        assertEquals(List.of(), parse("{\"messages\":[{\"role\":\"system\",\"content\":\"s\"}]}").newestUserText());
    }
}
