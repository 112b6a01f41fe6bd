package modrelay.loadtests.tms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.Tc3Signature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fake checks TC3 signatures the way TMS does; here with hand-made requests, no SDK involved. */
class FakeTmsSignatureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private static FakeTms tms;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        tms = FakeTms.start(FakeTms.Options.defaults());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        tms.close();
    }

    /** A request signed with the given key and timestamp; {@code sentBody} may differ from the signed one. */
    private static JsonNode post(String secretId, String secretKey, long timestamp, String contentType,
                                 byte[] signedBody, byte[] sentBody, String action) throws Exception {
        String date = Tc3Signature.utcDate(timestamp);
        String service = "127"; // what the SDK derives from "127.0.0.1:<port>"
        String canonical = Tc3Signature.canonicalRequest(contentType, tms.endpoint(), signedBody);
        String signature = Tc3Signature.signature(secretKey, date, service, timestamp, canonical);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + tms.endpoint() + "/"))
                .header("Content-Type", contentType)
                .header("Authorization", Tc3Signature.authorization(secretId, date, service, "content-type;host", signature))
                .header("X-TC-Action", action)
                .header("X-TC-Version", FakeTms.VERSION)
                .header("X-TC-Timestamp", Long.toString(timestamp))
                .header("X-TC-Region", "ap-singapore")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sentBody))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "TMS reports errors in a 200 body");
        return JSON.readTree(response.body()).path("Response");
    }

    private static JsonNode post(String secretKey, long timestamp, byte[] body) throws Exception {
        return post(FakeTms.SECRET_ID, secretKey, timestamp, CONTENT_TYPE, body, body, FakeTms.ACTION);
    }

    private static byte[] body(String text) {
        String content = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        return ("{\"Content\":\"" + content + "\",\"DataId\":\"d-1\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void aCorrectlySignedRequestIsJudged() throws Exception {
        JsonNode response = post(FakeTms.SECRET_KEY, now(), body("something forbidden here"));

        assertEquals("Block", response.path("Suggestion").asText());
        assertEquals(FakeTms.BLOCK_LABEL, response.path("Label").asText());
        assertEquals(List.of("forbidden"), JSON.convertValue(response.path("Keywords"), List.class));
        assertEquals("d-1", response.path("DataId").asText());
        assertEquals(36, response.path("RequestId").asText().length());
    }

    @Test
    void aContentTypeWithoutCharsetIsSignedAsSent() throws Exception {
        byte[] body = body("hello");
        JsonNode response = post(FakeTms.SECRET_ID, FakeTms.SECRET_KEY, now(), "application/json", body, body, FakeTms.ACTION);
        assertEquals("Pass", response.path("Suggestion").asText(), response.toString());
    }

    @Test
    void aWrongKeyIsASignatureFailure() throws Exception {
        JsonNode response = post("not-the-key", now(), body("hello"));
        assertEquals("AuthFailure.SignatureFailure", response.path("Error").path("Code").asText());
        assertEquals(36, response.path("RequestId").asText().length());
    }

    @Test
    void aBodyChangedAfterSigningIsASignatureFailure() throws Exception {
        JsonNode response = post(FakeTms.SECRET_ID, FakeTms.SECRET_KEY, now(), CONTENT_TYPE,
                body("hello"), body("forbidden"), FakeTms.ACTION);
        assertEquals("AuthFailure.SignatureFailure", response.path("Error").path("Code").asText());
    }

    @Test
    void aStaleTimestampIsExpiredEvenWhenTheSignatureFits() throws Exception {
        JsonNode response = post(FakeTms.SECRET_KEY, now() - 1000, body("hello"));
        assertEquals("AuthFailure.SignatureExpire", response.path("Error").path("Code").asText());
    }

    @Test
    void anUnknownSecretIdIsNotFound() throws Exception {
        byte[] body = body("hello");
        JsonNode response = post("AKIDsomebodyElse", FakeTms.SECRET_KEY, now(), CONTENT_TYPE, body, body, FakeTms.ACTION);
        assertEquals("AuthFailure.SecretIdNotFound", response.path("Error").path("Code").asText());
    }

    @Test
    void anotherActionIsRefused() throws Exception {
        byte[] body = body("hello");
        JsonNode response = post(FakeTms.SECRET_ID, FakeTms.SECRET_KEY, now(), CONTENT_TYPE, body, body, "ImageModeration");
        assertEquals("InvalidAction", response.path("Error").path("Code").asText());
    }
}
