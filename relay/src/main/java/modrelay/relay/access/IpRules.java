package modrelay.relay.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import modrelay.config.AccessSettings;
import modrelay.config.ConfigException;

/**
 * Which clients may use the relay, by address, and who the client is when the relay sits behind
 * proxies. Pure: no Akka, no I/O.
 *
 * <ul>
 *   <li>The blacklist wins: a client in it is refused even when the whitelist also names it.</li>
 *   <li>An empty whitelist lets everyone else in; a non-empty one lets in only the clients it names.</li>
 *   <li>{@code X-Forwarded-For} counts only when the socket peer is a trusted proxy; it is then walked
 *       from the right, skipping trusted proxies, and the first untrusted hop is the client. Whatever a
 *       client writes to the left of that cannot change the outcome.</li>
 * </ul>
 */
public final class IpRules {
    private final List<Cidr> whitelist;
    private final List<Cidr> blacklist;
    private final List<Cidr> trustedProxies;

    private IpRules(List<Cidr> whitelist, List<Cidr> blacklist, List<Cidr> trustedProxies) {
        this.whitelist = whitelist;
        this.blacklist = blacklist;
        this.trustedProxies = trustedProxies;
    }

    public static IpRules none() {
        return new IpRules(List.of(), List.of(), List.of());
    }

    /** @throws ConfigException naming the variable and the entry that is not an address or range */
    public static IpRules from(AccessSettings settings) {
        return new IpRules(parse("IP_WHITELIST", settings.ipWhitelist()), parse("IP_BLACKLIST", settings.ipBlacklist()),
                parse("TRUSTED_PROXIES", settings.trustedProxies()));
    }

    static List<Cidr> parse(String var, List<String> entries) {
        List<Cidr> out = new ArrayList<>();
        for (String e : entries) {
            out.add(Cidr.parse(e).orElseThrow(() -> new ConfigException(var
                    + " must be IPv4/IPv6 addresses or CIDR ranges like 10.0.0.0/8 or 2001:db8::/32, got \"" + e + "\"")));
        }
        return List.copyOf(out);
    }

    /** What the rules say about one client. */
    public enum Verdict {
        ALLOWED(null),
        BLACKLISTED("IP_BLACKLIST"),
        NOT_WHITELISTED("IP_WHITELIST");

        private final String rule;

        Verdict(String rule) {
            this.rule = rule;
        }

        /** The variable whose rule refused the client. */
        public String rule() {
            return rule;
        }
    }

    /**
     * @param client an address literal; anything else (e.g. "unknown") matches no rule, so it is refused
     *               by a whitelist and let in by a blacklist alone
     */
    public Verdict check(String client) {
        if (whitelist.isEmpty() && blacklist.isEmpty()) return Verdict.ALLOWED;
        Optional<byte[]> address = IpAddresses.parse(client);
        if (address.isPresent() && matches(blacklist, address.get())) return Verdict.BLACKLISTED;
        if (whitelist.isEmpty()) return Verdict.ALLOWED;
        return address.isPresent() && matches(whitelist, address.get()) ? Verdict.ALLOWED : Verdict.NOT_WHITELISTED;
    }

    /**
     * The client's address.
     *
     * @param socketPeer     the TCP peer's address
     * @param forwardedFor   the X-Forwarded-For header values in the order received (several headers are one list)
     */
    public String clientAddress(String socketPeer, List<String> forwardedFor) {
        if (trustedProxies.isEmpty()) return socketPeer;
        Optional<byte[]> peer = IpAddresses.parse(socketPeer);
        if (peer.isEmpty() || !matches(trustedProxies, peer.get())) return socketPeer;
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<byte[]> hop = IpAddresses.parseForwarded(hops.get(i));
            // A hop that is not an address was not written by a trusted proxy: it is the client, matching no rule.
            if (hop.isEmpty()) return "unknown";
            if (!matches(trustedProxies, hop.get())) return IpAddresses.format(hop.get());
        }
        // Every hop is a trusted proxy: the request started at the leftmost one.
        return hops.isEmpty() ? socketPeer : IpAddresses.format(IpAddresses.parseForwarded(hops.get(0)).orElseThrow());
    }

    public int whitelistSize() {
        return whitelist.size();
    }

    public int blacklistSize() {
        return blacklist.size();
    }

    public int trustedProxiesSize() {
        return trustedProxies.size();
    }

    public boolean isEmpty() {
        return whitelist.isEmpty() && blacklist.isEmpty();
    }

    private static boolean matches(List<Cidr> ranges, byte[] address) {
        for (Cidr c : ranges) {
            if (c.contains(address)) return true;
        }
        return false;
    }
}
