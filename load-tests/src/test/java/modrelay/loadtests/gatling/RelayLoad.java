package modrelay.loadtests.gatling;

import static io.gatling.javaapi.http.HttpDsl.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import modrelay.loadtests.bench.ChatSse;

/**
 * What the simulations share: the relay's address ({@code -DbaseUrl}, default
 * {@code http://127.0.0.1:9000}), the HTTP protocol, request bodies for the fake upstream (its reply
 * is the text after {@code say:}) and a one-line digest of an SSE body for checks.
 */
final class RelayLoad {
    static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:9000");
    static final String CHAT = "/v1/chat/completions";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RelayLoad() {}

    /**
     * No warm-up request (Gatling's default one goes to gatling.io; this stays on the loopback).
     * {@code Authorization} carries an upstream key the fake ignores; with {@code -DproxyKey=…} it
     * becomes {@code <key>:<proxy key>} for a relay that requires one.
     */
    static HttpProtocolBuilder protocol() {
        String key = System.getProperty("apiKey", "sk-bench");
        String proxyKey = System.getProperty("proxyKey", "");
        return http.baseUrl(BASE_URL)
                .disableWarmUp()
                .contentTypeHeader("application/json")
                .authorizationHeader("Bearer " + key + (proxyKey.isEmpty() ? "" : ":" + proxyKey))
                .userAgentHeader("modrelay-gatling");
    }

    /** A chat request whose fake-upstream reply is {@code reply}; {@code moderation} null leaves the flag out. */
    static String chatBody(String reply, boolean stream, Boolean moderation) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "gpt-4o-mini");
        body.put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "say:" + reply);
        if (moderation != null) body.put("moderation", moderation);
        return body.toString();
    }

    /** {@code <ended with [DONE]>|<finish_reason>|<text>} of a chat SSE body, for one equality check. */
    static String digest(String sseBody) {
        ChatSse sse = ChatSse.of(sseBody);
        return sse.done() + "|" + sse.finishReason() + "|" + sse.text();
    }

    static int intProperty(String name, int absent) {
        return Integer.getInteger(name, absent);
    }
}
