package modrelay.relay.access;

import java.util.Arrays;
import java.util.Optional;

/** An address range: {@code 10.0.0.0/8}, {@code 2001:db8::/32}; a bare address is a range of one. */
public final class Cidr {
    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** Host bits in the text are ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). Empty when not a range. */
    public static Optional<Cidr> parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        Optional<byte[]> address = IpAddresses.parse(slash < 0 ? s : s.substring(0, slash));
        if (address.isEmpty()) return Optional.empty();
        byte[] bytes = address.get();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) return Optional.empty();
            prefix = Integer.parseInt(p);
            // "::ffff:10.0.0.0/104" is written against 128 bits but parsed to 4 bytes: take the IPv4 part.
            if (bytes.length == 4 && s.indexOf(':') >= 0) prefix -= 96;
            if (prefix < 0 || prefix > bits) return Optional.empty();
        }
        return Optional.of(new Cidr(mask(bytes, prefix), prefix));
    }

    public boolean contains(byte[] address) {
        return address.length == network.length && Arrays.equals(mask(address, prefix), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefix;
    }
}
