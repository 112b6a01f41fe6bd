package modrelay.relay.upstream;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HeaderFilterTest {
    private final HeaderFilter filter = new HeaderFilter("X-Fc-");

    @Test
    void dropsHopByHopClientCredentialsAndAkkaSyntheticHeaders() {
        for (String h : new String[] {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host",
                "authorization", "x-proxy-key", "raw-request-uri", "remote-address", "timeout-access", "content-length"}) {
            assertFalse(filter.forwardUpstream(h, Set.of(), false), h);
        }
    }

    @Test
    void dropsWhatConnectionNamesAndTheGatewayPrefix() {
        Set<String> conn = HeaderFilter.connectionTokens("keep-alive, X-Custom-Hop");
        assertFalse(filter.forwardUpstream("x-custom-hop", conn, false));
        assertFalse(filter.forwardUpstream("x-fc-request-id", Set.of(), false));
        assertTrue(filter.forwardUpstream("openai-organization", conn, false));
        assertTrue(filter.forwardUpstream("user-agent", conn, false));
    }

    @Test
    void acceptEncodingIsDroppedOnlyWhenTheRelayMustReadTheBody() {
        assertTrue(filter.forwardUpstream("accept-encoding", Set.of(), false));
        assertFalse(filter.forwardUpstream("accept-encoding", Set.of(), true));
    }

    @Test
    void towardsTheClientUpstreamCorsAndEntityHeadersAreDropped() {
        assertFalse(filter.forwardToClient("access-control-allow-origin", Set.of()));
        assertFalse(filter.forwardToClient("content-type", Set.of()));
        assertTrue(filter.forwardToClient("x-ratelimit-remaining-requests", Set.of()));
        assertTrue(filter.forwardToClient("openai-processing-ms", Set.of()));
    }
}
