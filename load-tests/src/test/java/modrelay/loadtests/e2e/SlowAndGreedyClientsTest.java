package modrelay.loadtests.e2e;

import modrelay.loadtests.fixture.RawConnection;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients that try to hold the relay's connections: trickled headers, too many connections from one address. */
class SlowAndGreedyClientsTest {
    @RegisterExtension
    final RelayFixture relay = RelayFixture.lazy(RelaySpec.withFakeUpstream());
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        trickle.shutdownNow(); // before the fixture closes the relay
    }

    private void start(Map<String, String> env) {
        relay.start(s -> s.env(env));
    }

    /** Headers a byte every 100 ms, never finished: Akka's idle timeout alone would never fire. */
    private RawConnection trickler() throws Exception {
        RawConnection slow = new RawConnection(relay.port());
        slow.send("GET /healthz HTTP/1.1\r\n");
        trickle.scheduleAtFixedRate(() -> {
            try {
                slow.send("X");
            } catch (Exception closed) {
                // the relay closed it: what the test waits for
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        return slow;
    }

    @Test
    void aClientTricklingItsHeadersIsDisconnectedWhileAKeptAliveIdleConnectionIsNot() throws Exception {
        start(Map.of("HEADER_READ_TIMEOUT", "1s"));
        try (RawConnection kept = new RawConnection(relay.port())) {
            assertTrue(kept.get("/healthz").startsWith("HTTP/1.1 200"));
            try (RawConnection slow = trickler()) {
                assertTrue(slow.awaitClosedByRelay(), "the trickling client was not disconnected");
            }
            // The kept-alive connection has been idle longer than the header timeout (the trickler's closing says
            // so): idle between exchanges is not trickling, and it still serves.
            assertTrue(kept.get("/healthz").startsWith("HTTP/1.1 200"));
            assertTrue(kept.get("/readyz").startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void aClientThatConnectsAndSendsNothingIsDisconnected() throws Exception {
        start(Map.of("HEADER_READ_TIMEOUT", "1s"));
        try (RawConnection silent = new RawConnection(relay.port())) {
            assertTrue(silent.awaitClosedByRelay());
        }
        try (RawConnection fresh = new RawConnection(relay.port())) {
            assertTrue(fresh.get("/healthz").startsWith("HTTP/1.1 200"), "the relay keeps serving");
        }
    }

    @Test
    void aLongUploadIsNotMistakenForSlowHeaders() throws Exception {
        start(Map.of("HEADER_READ_TIMEOUT", "1s", "OPENAI_KEY", "sk-any"));
        try (RawConnection upload = new RawConnection(relay.port())) {
            String body = TestHttp.chatBody("uploaded slowly.", false);
            upload.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n");
            // The body arrives in pieces over more than the header timeout; a trickler beside it marks the time.
            upload.send(body.substring(0, 10));
            try (RawConnection slow = trickler()) {
                assertTrue(slow.awaitClosedByRelay());
            }
            upload.send(body.substring(10));
            String answer = upload.readResponse();
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains("uploaded slowly."), answer);
        }
    }

    @Test
    void connectionsBeyondThePerAddressCapAreRefusedAndTheOthersKeepWorking() throws Exception {
        start(Map.of("MAX_CONNECTIONS_PER_IP", "2"));
        List<RawConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RawConnection c = new RawConnection(relay.port());
                open.add(c);
                assertTrue(c.get("/healthz").startsWith("HTTP/1.1 200"));
            }
            try (RawConnection third = new RawConnection(relay.port())) {
                third.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(third.awaitClosedByRelay(), "a third connection from the same address is refused");
            }
            for (RawConnection c : open) assertTrue(c.get("/healthz").startsWith("HTTP/1.1 200"), "the first two still serve");
            open.remove(0).close();
            // The relay learns of the close asynchronously; a new connection is served once it has.
            assertTrue(servedWithinAttempts(50), "a freed slot is usable again");
        } finally {
            for (RawConnection c : open) c.close();
        }
    }

    private boolean servedWithinAttempts(int attempts) throws Exception {
        for (int i = 0; i < attempts; i++) {
            try (RawConnection c = new RawConnection(relay.port())) {
                if (c.get("/healthz").startsWith("HTTP/1.1 200")) return true;
            } catch (java.io.IOException refused) {
                // not yet
            }
        }
        return false;
    }
}
