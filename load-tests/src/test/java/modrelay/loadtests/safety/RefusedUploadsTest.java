package modrelay.loadtests.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import modrelay.loadtests.fixture.RawConnection;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request refused before its body was read (here: a wrong proxy key, decided from the headers) while the
 * client is still uploading a few megabytes: the client finishes its upload, reads its refusal in OpenAI's shape,
 * and the same connection serves the next request. Answering before the body ended made Akka HTTP close the
 * connection under the uploader, who then got a reset instead of the answer (a flaky HeapBoundBodiesTest).
 */
class RefusedUploadsTest {
    private static final int BODY_BYTES = 4 * 1024 * 1024;
    private static final int PIECE = 64 * 1024;

    @RegisterExtension
    final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream().env("PROXY_KEY", "pk-right"));

    private static String head(String framing) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer sk-client:pk-wrong\r\n" + framing + "\r\n";
    }

    /** Body bytes in 64 KiB writes, as an uploader sends them; each is a complete piece of one long JSON string. */
    private static byte[] piece() {
        byte[] b = new byte[PIECE];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    @Test
    void aRefusedUploadWithContentLengthIsReadToItsEndAndTheConnectionServesOn() throws Exception {
        try (RawConnection c = new RawConnection(relay.port())) {
            c.send(head("Content-Length: " + BODY_BYTES + "\r\n"));
            byte[] piece = piece();
            for (int sent = 0; sent < BODY_BYTES; sent += PIECE) c.send(piece);
            assertRefusedAndKeptAlive(c);
        }
    }

    @Test
    void aRefusedChunkedUploadIsReadToItsEndAndTheConnectionServesOn() throws Exception {
        try (RawConnection c = new RawConnection(relay.port())) {
            c.send(head("Transfer-Encoding: chunked\r\n"));
            byte[] piece = piece();
            byte[] size = (Integer.toHexString(PIECE) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int sent = 0; sent < BODY_BYTES; sent += PIECE) {
                c.send(size);
                c.send(piece);
                c.send("\r\n");
            }
            c.send("0\r\n\r\n");
            assertRefusedAndKeptAlive(c);
        }
    }

    private static void assertRefusedAndKeptAlive(RawConnection c) throws Exception {
        String answer = c.readResponse();
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        assertFalse(answer.toLowerCase().contains("connection: close"), answer);
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertEquals("invalid_api_key", new ObjectMapper().readTree(body).path("error").path("code").asText(), answer);
        String next = c.get("/healthz");
        assertTrue(next.startsWith("HTTP/1.1 200"), "the connection serves the next request: " + next);
    }
}
