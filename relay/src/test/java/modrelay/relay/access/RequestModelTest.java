package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import modrelay.relay.endpoint.RequestModel;
import org.junit.jupiter.api.Test;

class RequestModelTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static RequestModel of(String json) throws Exception {
        return RequestModel.ofJson(JSON.readTree(json));
    }

    @Test
    void theFieldIsReadAsItIs() throws Exception {
        assertEquals(RequestModel.named("gpt-4o"), of("{\"model\":\"gpt-4o\",\"messages\":[]}"));
        assertEquals(RequestModel.named(" gpt-4o "), of("{\"model\":\" gpt-4o \"}"), "not trimmed: the rules judge it as sent");
        assertEquals(RequestModel.MISSING, of("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertEquals(new RequestModel.NotAString("null"), of("{\"model\":null}"));
        assertEquals(new RequestModel.NotAString("number"), of("{\"model\":123}"));
        assertEquals(new RequestModel.NotAString("array"), of("{\"model\":[\"gpt-4o\"]}"));
        assertEquals(new RequestModel.NotAString("object"), of("{\"model\":{\"name\":\"gpt-4o\"}}"));
        assertEquals(new RequestModel.NotAString("boolean"), of("{\"model\":true}"));
        assertInstanceOf(RequestModel.Unreadable.class, of("[{\"model\":\"gpt-4o\"}]"));
        assertInstanceOf(RequestModel.Unreadable.class, of("\"gpt-4o\""));
        assertEquals(RequestModel.MISSING, RequestModel.ofJson(null));
    }

    /** Upstreams built on Go's encoding/json read "MODEL" or "Model" as model, the last one winning. */
    @Test
    void aModelFieldInAnotherCaseIsUnreadable() throws Exception {
        for (String body : java.util.List.of("{\"model\":\"gpt-4o-mini\",\"MODEL\":\"gpt-4\"}",
                "{\"Model\":\"gpt-4\",\"messages\":[]}", "{\"mOdEl\":\"gpt-4\",\"model\":\"gpt-4o-mini\"}")) {
            RequestModel m = of(body);
            assertInstanceOf(RequestModel.Unreadable.class, m, body);
        }
        assertEquals(RequestModel.named("gpt-4o-mini"), of("{\"model\":\"gpt-4o-mini\",\"models\":[\"gpt-4\"]}"));
    }
}
