package modrelay.relay.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP address literals to bytes, without ever asking DNS: IPv4 dotted quads are parsed here, and a
 * string is handed to {@link InetAddress} only when it can be nothing but an IPv6 literal. IPv4
 * addresses mapped into IPv6 ({@code ::ffff:10.0.0.1}) come out as their 4 IPv4 bytes, so one rule
 * matches a client whichever way the socket reports it.
 */
public final class IpAddresses {
    private IpAddresses() {}

    /** 4 or 16 bytes, or empty when {@code text} is not an address literal. */
    public static Optional<byte[]> parse(String text) {
        if (text == null) return Optional.empty();
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        int zone = s.indexOf('%');
        if (zone >= 0) s = s.substring(0, zone);
        if (s.isEmpty()) return Optional.empty();
        if (s.indexOf(':') < 0) return ipv4(s);
        if (!s.matches("[0-9A-Fa-f:.]+")) return Optional.empty();
        try {
            // Only hex digits, ':' and '.', with a ':': InetAddress parses it as an IPv6 literal and never resolves it.
            byte[] b = InetAddress.getByName(s).getAddress();
            return Optional.of(b);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * An address as it appears in X-Forwarded-For, where proxies may add a port:
     * {@code 1.2.3.4}, {@code 1.2.3.4:5678}, {@code ::1}, {@code [::1]:443}.
     */
    public static Optional<byte[]> parseForwarded(String text) {
        String s = text.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            return close < 0 ? Optional.empty() : parse(s.substring(1, close));
        }
        int colon = s.indexOf(':');
        if (colon >= 0 && colon == s.lastIndexOf(':')) s = s.substring(0, colon);
        return parse(s);
    }

    /** The usual text form: dotted quad, or RFC 5952 style IPv6 as Java prints it. */
    public static String format(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Optional<byte[]> ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return Optional.empty();
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) return Optional.empty();
            int v = Integer.parseInt(p);
            if (v > 255) return Optional.empty();
            b[i] = (byte) v;
        }
        return Optional.of(b);
    }
}
