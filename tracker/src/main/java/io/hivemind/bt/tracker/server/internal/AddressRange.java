package io.hivemind.bt.tracker.server.internal;

import io.hivemind.bt.tracker.protocol.IpLiterals;
import java.net.InetAddress;

/**
 * An address range in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}, or a single address). Immutable.
 */
public record AddressRange(byte[] network, int prefix) {

    /** Parses {@code addr[/prefix]}. */
    public static AddressRange parse(String cidr) {
        String s = cidr.strip();
        int slash = s.indexOf('/');
        byte[] addr = IpLiterals.parse(slash < 0 ? s : s.substring(0, slash));
        if (addr == null) {
            throw new IllegalArgumentException("not an address range: " + cidr);
        }
        int prefix = addr.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + cidr, e);
            }
            if (prefix < 0 || prefix > addr.length * 8) {
                throw new IllegalArgumentException("bad prefix length in " + cidr);
            }
        }
        return new AddressRange(addr, prefix);
    }

    public boolean contains(InetAddress a) {
        return contains(a.getAddress());
    }

    public boolean contains(byte[] a) {
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            return "?/" + prefix;
        }
    }
}
