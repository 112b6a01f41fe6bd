package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import modrelay.config.AccessSettings;
import modrelay.config.ConfigException;
import modrelay.config.StoreSettings;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpRulesTest {

    private static IpRules rules(List<String> white, List<String> black, List<String> trusted) {
        return IpRules.from(new AccessSettings(List.of(), white, black, trusted, Optional.empty(), StoreSettings.defaults()));
    }

    @Test
    void noRulesLetEveryoneIn() {
        IpRules r = IpRules.none();
        assertEquals(IpRules.Verdict.ALLOWED, r.check("203.0.113.9"));
        assertEquals(IpRules.Verdict.ALLOWED, r.check("unknown"));
    }

    @Test
    void aWhitelistLetsInOnlyItsAddressesAndRanges() {
        IpRules r = rules(List.of("10.0.0.0/8", "192.168.1.7", "2001:db8::/32"), List.of(), List.of());
        assertEquals(IpRules.Verdict.ALLOWED, r.check("10.200.3.4"));
        assertEquals(IpRules.Verdict.ALLOWED, r.check("192.168.1.7"));
        assertEquals(IpRules.Verdict.NOT_WHITELISTED, r.check("192.168.1.8"));
        assertEquals(IpRules.Verdict.NOT_WHITELISTED, r.check("11.0.0.1"));
        assertEquals(IpRules.Verdict.ALLOWED, r.check("2001:db8:ffff::1"));
        assertEquals(IpRules.Verdict.NOT_WHITELISTED, r.check("2001:db9::1"));
        assertEquals(IpRules.Verdict.NOT_WHITELISTED, r.check("unknown"), "an address that cannot be read is not whitelisted");
        assertEquals("IP_WHITELIST", IpRules.Verdict.NOT_WHITELISTED.rule());
    }

    @Test
    void theBlacklistWinsOverTheWhitelist() {
        IpRules r = rules(List.of("10.0.0.0/8"), List.of("10.9.0.0/16", "::1"), List.of());
        assertEquals(IpRules.Verdict.BLACKLISTED, r.check("10.9.1.1"));
        assertEquals(IpRules.Verdict.ALLOWED, r.check("10.8.1.1"));
        assertEquals(IpRules.Verdict.BLACKLISTED, r.check("::1"));
        assertEquals(IpRules.Verdict.BLACKLISTED, r.check("0:0:0:0:0:0:0:1"), "IPv6 in any spelling");
        IpRules blackOnly = rules(List.of(), List.of("203.0.113.0/24"), List.of());
        assertEquals(IpRules.Verdict.ALLOWED, blackOnly.check("198.51.100.1"));
        assertEquals(IpRules.Verdict.BLACKLISTED, blackOnly.check("203.0.113.77"));
    }

    @Test
    void ipv4MappedIpv6ClientsMatchIpv4Rules() {
        IpRules r = rules(List.of(), List.of("127.0.0.0/8"), List.of());
        assertEquals(IpRules.Verdict.BLACKLISTED, r.check("::ffff:127.0.0.1"));
        assertEquals(IpRules.Verdict.BLACKLISTED, r.check("127.0.0.1"));
        assertEquals(IpRules.Verdict.ALLOWED, r.check("::ffff:128.0.0.1"));
    }

    @Test
    void rangesIgnoreHostBitsAndEdgesAreExact() {
        IpRules r = rules(List.of("10.1.2.3/8", "0.0.0.0/0"), List.of("172.16.0.0/12", "fe80::/10"), List.of());
        assertEquals(IpRules.Verdict.BLACKLISTED, r.check("172.31.255.255"));
        assertEquals(IpRules.Verdict.ALLOWED, r.check("172.32.0.0"));
        assertEquals(IpRules.Verdict.BLACKLISTED, r.check("fe80::1%eth0"));
        assertEquals(IpRules.Verdict.NOT_WHITELISTED, r.check("2001:db8::1"), "0.0.0.0/0 is IPv4 only");
    }

    @Test
    void badEntriesAreAStartUpErrorNamingTheVariable() {
        String msg = assertThrows(ConfigException.class, () -> rules(List.of("10.0.0.0/33"), List.of(), List.of())).getMessage();
        assertTrue(msg.startsWith("IP_WHITELIST must be IPv4/IPv6 addresses or CIDR ranges"), msg);
        assertTrue(msg.endsWith("got \"10.0.0.0/33\""), msg);
        for (String bad : List.of("example.com", "10.0.0", "256.1.1.1", "1.2.3.4/", "::g", "10.0.0.1/x", "01234.1.1.1")) {
            assertThrows(ConfigException.class, () -> rules(List.of(), List.of(bad), List.of()), bad);
        }
        assertThrows(ConfigException.class, () -> rules(List.of(), List.of(), List.of("proxy.internal")));
    }

    @Test
    void withoutTrustedProxiesTheSocketAddressCountsWhateverTheHeaderSays() {
        IpRules r = rules(List.of("10.0.0.0/8"), List.of(), List.of());
        assertEquals("203.0.113.5", r.clientAddress("203.0.113.5", List.of("10.1.1.1")));
        assertEquals(IpRules.Verdict.NOT_WHITELISTED, r.check(r.clientAddress("203.0.113.5", List.of("10.1.1.1"))));
    }

    @Test
    void forwardedForIsWalkedFromTheRightSkippingTrustedProxies() {
        IpRules r = rules(List.of(), List.of(), List.of("127.0.0.1", "10.0.0.0/8", "2001:db8::/32"));
        // client → 10.0.0.2 (LB) → 127.0.0.1 (sidecar) → relay
        assertEquals("198.51.100.7", r.clientAddress("127.0.0.1", List.of("198.51.100.7, 10.0.0.2")));
        // A client that writes its own header only adds to the left: the hop the proxy saw still counts.
        assertEquals("198.51.100.7", r.clientAddress("127.0.0.1", List.of("10.9.9.9, 1.1.1.1, 198.51.100.7")));
        // Several headers are one list, in order; ports and brackets are dropped.
        assertEquals("2001:db9:0:0:0:0:0:1", r.clientAddress("10.0.0.3", List.of("1.2.3.4", "[2001:db9::1]:443, 10.0.0.4:8080")));
        // A socket peer that is not trusted: the header is ignored.
        assertEquals("203.0.113.1", r.clientAddress("203.0.113.1", List.of("10.0.0.1")));
        // Only trusted hops: the request began at the leftmost one.
        assertEquals("10.0.0.7", r.clientAddress("127.0.0.1", List.of("10.0.0.7, 10.0.0.8")));
        // No header: the proxy itself is the client.
        assertEquals("127.0.0.1", r.clientAddress("127.0.0.1", List.of()));
        // Garbage where the proxy's hop should be matches no rule.
        assertEquals("unknown", r.clientAddress("127.0.0.1", List.of("1.2.3.4, not-an-ip")));
        assertEquals("unknown", r.clientAddress("127.0.0.1", List.of("evil.example")));
    }

    @Test
    void aTrustedProxyCannotBeUsedToSpoofPastABlacklist() {
        IpRules r = rules(List.of(), List.of("198.51.100.0/24"), List.of("127.0.0.1"));
        String client = r.clientAddress("127.0.0.1", List.of("10.1.1.1, 198.51.100.20"));
        assertEquals(IpRules.Verdict.BLACKLISTED, r.check(client));
    }
}
