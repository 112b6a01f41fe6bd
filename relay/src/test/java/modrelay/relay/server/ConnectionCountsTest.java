package modrelay.relay.server;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionCountsTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void eachAddressGetsItsOwnCapAndAFreedSlotIsUsableAgain() throws Exception {
        ConnectionCounts counts = new ConnectionCounts(2, a -> false);
        InetAddress a = ip("203.0.113.1");
        InetAddress b = ip("2001:db8::1");
        assertTrue(counts.opened(a));
        assertTrue(counts.opened(a));
        assertFalse(counts.opened(a), "the third from one address is refused");
        assertEquals(2, counts.open(a), "a refused connection is not counted");
        assertTrue(counts.opened(b), "another address is not affected");
        counts.closed(a);
        assertTrue(counts.opened(a));
        counts.closed(a);
        counts.closed(a);
        assertEquals(0, counts.open(a));
        assertTrue(counts.opened(a));
    }

    @Test
    void trustedProxiesAreCountedButNotCapped() throws Exception {
        InetAddress proxy = ip("10.0.0.5");
        ConnectionCounts counts = new ConnectionCounts(1, proxy::equals);
        for (int i = 0; i < 100; i++) assertTrue(counts.opened(proxy));
        assertEquals(100, counts.open(proxy));
        assertTrue(counts.opened(ip("10.0.0.6")));
        assertFalse(counts.opened(ip("10.0.0.6")));
    }
}
