package io.hivemind.bt.tracker.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * IP address literals without name resolution, and the address classes the redirect and {@code ip=} rules need.
 * Stateless and thread-safe.
 */
public final class IpLiterals {
    private IpLiterals() {
    }

    /**
     * The address bytes (4 or 16) of an IPv4 or IPv6 literal, brackets allowed, or null when {@code s} is not a
     * literal (for example a host name). Never touches DNS. IPv4-mapped IPv6 addresses come back as 4 bytes.
     */
    public static byte[] parse(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return null;
        }
        String t = s;
        if (t.charAt(0) == '[' && t.charAt(t.length() - 1) == ']') {
            t = t.substring(1, t.length() - 1);
        }
        try {
            if (t.indexOf(':') >= 0) {
                return Inet6Address.ofLiteral(t).getAddress();
            }
            return Inet4Address.ofLiteral(t).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * True for addresses that are not on the public internet: loopback, unspecified, RFC 1918 private, link-local,
     * carrier-grade NAT (100.64/10), IPv6 unique-local (fc00::/7), multicast, and IPv4-mapped forms of these.
     * A redirect from a public tracker to such an address is refused (HARDENING.md).
     */
    public static boolean isNonPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            return b0 == 0 || (b0 == 100 && (b1 & 0xc0) == 64) || (b0 == 169 && b1 == 254) || b0 >= 240;
        }
        return (b[0] & 0xfe) == 0xfc;
    }
}
