package modrelay.loadtests.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import modrelay.loadtests.fixture.RawConnection;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request refused while the client is still uploading a few megabytes (before its body was read: a wrong proxy
 * key, a refused path; or after: not JSON): the client finishes its upload, reads its refusal in OpenAI's shape,
 * and the same connection serves the next request. Answering before the body ended made Akka HTTP close the
 * connection under the uploader, who then got a reset instead of the answer (a flaky HeapBoundBodiesTest).
 */
class RefusedUploadsTest {
    private static final int BODY_BYTES = 4 * 1024 * 1024;
    private static final int PIECE = 64 * 1024;

    @RegisterExtension
    final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream().env("PROXY_KEY", "pk-right"));

    /** A request the relay refuses, and how: each reads its answer after its upload and keeps its connection. */
    private record Refusal(String path, String key, int status, String code) {}

    private static final List<Refusal> REFUSALS = List.of(
            // decided from the headers, before any of the body is read: the key (admission), the path (canonical path)
            new Refusal("/v1/chat/completions", "sk-client:pk-wrong", 401, "invalid_api_key"),
            new Refusal("/v1/chat%2Fcompletions", "sk-client:pk-right", 400, "invalid_path"),
            new Refusal("/v1/chat/completions;x=1", "sk-client:pk-right", 400, "invalid_path"),
            // decided once the body has been read whole: it is not JSON
            new Refusal("/v1/chat/completions", "sk-client:pk-right", 400, "invalid_json"));

    private static String head(Refusal r, String framing) {
        return "POST " + r.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + r.key() + "\r\n" + framing + "\r\n";
    }

    /** Body bytes in 64 KiB writes, as an uploader sends them: 4 MiB of "a", which is not JSON. */
    private static byte[] piece() {
        byte[] b = new byte[PIECE];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    @Test
    void aRefusedUploadWithContentLengthIsReadToItsEndAndTheConnectionServesOn() throws Exception {
        for (Refusal r : REFUSALS) {
            try (RawConnection c = new RawConnection(relay.port())) {
                c.send(head(r, "Content-Length: " + BODY_BYTES + "\r\n"));
                byte[] piece = piece();
                for (int sent = 0; sent < BODY_BYTES; sent += PIECE) c.send(piece);
                assertRefusedAndKeptAlive(c, r);
            }
        }
    }

    @Test
    void aRefusedChunkedUploadIsReadToItsEndAndTheConnectionServesOn() throws Exception {
        for (Refusal r : REFUSALS) {
            try (RawConnection c = new RawConnection(relay.port())) {
                c.send(head(r, "Transfer-Encoding: chunked\r\n"));
                byte[] piece = piece();
                byte[] size = (Integer.toHexString(PIECE) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                for (int sent = 0; sent < BODY_BYTES; sent += PIECE) {
                    c.send(size);
                    c.send(piece);
                    c.send("\r\n");
                }
                c.send("0\r\n\r\n");
                assertRefusedAndKeptAlive(c, r);
            }
        }
    }

    private static void assertRefusedAndKeptAlive(RawConnection c, Refusal r) throws Exception {
        String answer = c.readResponse();
        assertTrue(answer.startsWith("HTTP/1.1 " + r.status()), r + ": " + answer);
        assertFalse(answer.toLowerCase().contains("connection: close"), answer);
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertEquals(r.code(), new ObjectMapper().readTree(body).path("error").path("code").asText(), answer);
        String next = c.get("/healthz");
        assertTrue(next.startsWith("HTTP/1.1 200"), "the connection serves the next request: " + next);
    }
}
