package modrelay.relay.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** include_usage spliced into the one reading's bytes: the rest of the body exactly as the client wrote it. */
class JsonBodyUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonBody parse(String s) throws JsonBody.Invalid {
        return JsonBody.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String asked(String body) throws Exception {
        JsonBody b = parse(body);
        assertTrue(b.canAskUsage(), body);
        String out = new String(b.upstream(java.util.Optional.empty(), BodyEdit.NONE, true), StandardCharsets.UTF_8);
        // what goes upstream parses again, strictly (no duplicate keys), and asks for usage
        JsonBody again = JsonBody.parse(out.getBytes(StandardCharsets.UTF_8));
        assertEquals(java.util.Optional.of(true), again.includeUsage());
        return out;
    }

    @Test
    void withoutStreamOptionsTheFieldIsAppended() throws Exception {
        assertEquals("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                asked("{\"model\":\"m\",\"stream\":true}"));
    }

    @Test
    void otherStreamOptionsAreKept() throws Exception {
        assertEquals("{\"stream\":true,\"stream_options\":{\"include_usage\":true,\"include_obfuscation\":false}}",
                asked("{\"stream\":true,\"stream_options\":{\"include_obfuscation\":false}}"));
        assertEquals("{\"stream\":true,\"stream_options\":{\"include_usage\":true}  }",
                asked("{\"stream\":true,\"stream_options\":{  }  }").replace("{\"include_usage\":true  }", "{\"include_usage\":true}  "));
    }

    @Test
    void anExplicitFalseBecomesTrueInPlace() throws Exception {
        assertEquals("{\"stream\":true,\"stream_options\": {\"include_usage\" : true, \"x\":1}}",
                asked("{\"stream\":true,\"stream_options\": {\"include_usage\" : false, \"x\":1}}"));
    }

    @Test
    void aNullStreamOptionsIsReplaced() throws Exception {
        assertEquals("{\"stream_options\":{\"include_usage\":true},\"stream\":true}",
                asked("{\"stream_options\":null,\"stream\":true}"));
    }

    @Test
    void flagsAreStillRemovedAndTheModelRenamed() throws Exception {
        JsonBody b = parse("{\"model\":\"a\",\"moderation\":true,\"stream\":true,\"messages\":[]}");
        JsonNode out = JSON.readTree(b.upstream(java.util.Optional.of("b"), BodyEdit.NONE, true));
        assertEquals("b", out.get("model").asText());
        assertFalse(out.has("moderation"));
        assertTrue(out.path("stream_options").path("include_usage").asBoolean());
        assertEquals(JSON.readTree("[]"), out.get("messages"));
    }

    @Test
    void notAskedWhenTheClientDidOrCannotBeSpliced() throws Exception {
        assertFalse(parse("{\"stream\":true,\"stream_options\":{\"include_usage\":true}}").canAskUsage());
        assertFalse(parse("{\"stream\":false}").canAskUsage());
        assertFalse(parse("{\"messages\":[]}").canAskUsage());
        // another type, or another case of the name: the upstream might read either, the relay adds none
        assertFalse(parse("{\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}}").canAskUsage());
        assertFalse(parse("{\"stream\":true,\"stream_options\":{\"Include_Usage\":false}}").canAskUsage());
        assertFalse(parse("{\"stream\":true,\"stream_options\":[1]}").canAskUsage());
    }
}
