package io.hivemind.bt.client.nat.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Default gateways from the Linux kernel's routing tables as {@code /proc/net/route} (IPv4) and
 * {@code /proc/net/ipv6_route} (IPv6) print them. NAT-PMP and PCP talk to the default gateway (RFC 6886 §3,
 * RFC 6887 §8.1); UPnP needs no gateway address. Pure: the caller reads the files; lines that do not parse are
 * skipped. Thread-safe.
 */
public final class RouteTable {
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;
    private static final int MAX_LINES = 10_000;

    private RouteTable() {
    }

    /** A default route: the gateway, the interface and the metric (lower wins). */
    public record DefaultRoute(InetAddress gateway, String iface, long metric) {
    }

    /**
     * IPv4 default routes from {@code /proc/net/route}: destination and mask 0, flags UP|GATEWAY; addresses are
     * little-endian hex there. Sorted by metric.
     */
    public static List<DefaultRoute> parseIpv4(String procNetRoute) {
        List<DefaultRoute> out = new ArrayList<>();
        String[] lines = procNetRoute.split("\n", MAX_LINES + 1);
        for (int i = 1; i < Math.min(lines.length, MAX_LINES); i++) { // line 0 is the header
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            try {
                long dest = Long.parseLong(f[1], 16);
                long gw = Long.parseLong(f[2], 16);
                int flags = Integer.parseInt(f[3], 16);
                long metric = Long.parseLong(f[6]);
                long mask = Long.parseLong(f[7], 16);
                if (dest != 0 || mask != 0 || gw == 0 || (flags & (RTF_UP | RTF_GATEWAY)) != (RTF_UP | RTF_GATEWAY)) {
                    continue;
                }
                byte[] a = {(byte) gw, (byte) (gw >>> 8), (byte) (gw >>> 16), (byte) (gw >>> 24)};
                out.add(new DefaultRoute(InetAddress.getByAddress(a), f[0], metric));
            } catch (NumberFormatException | UnknownHostException e) {
                // a line we cannot read is not a route we can use
            }
        }
        out.sort(Comparator.comparingLong(DefaultRoute::metric));
        return out;
    }

    /**
     * IPv6 default routes from {@code /proc/net/ipv6_route}: destination ::/0 with a non-zero next hop
     * (fields: dest, dest prefix, src, src prefix, next hop, metric, refcnt, use, flags, iface; all hex).
     */
    public static List<DefaultRoute> parseIpv6(String procNetIpv6Route) {
        List<DefaultRoute> out = new ArrayList<>();
        String[] lines = procNetIpv6Route.split("\n", MAX_LINES + 1);
        for (int i = 0; i < Math.min(lines.length, MAX_LINES); i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 10 || f[0].length() != 32 || f[4].length() != 32) {
                continue;
            }
            try {
                if (!f[0].equals("0".repeat(32)) || Integer.parseInt(f[1], 16) != 0 || f[4].equals("0".repeat(32))) {
                    continue;
                }
                int flags = (int) Long.parseLong(f[8], 16);
                if ((flags & RTF_UP) == 0) {
                    continue;
                }
                byte[] a = new byte[16];
                for (int b = 0; b < 16; b++) {
                    a[b] = (byte) Integer.parseInt(f[4].substring(2 * b, 2 * b + 2), 16);
                }
                out.add(new DefaultRoute(InetAddress.getByAddress(a), f[9], Long.parseLong(f[5], 16)));
            } catch (NumberFormatException | UnknownHostException e) {
                // skip
            }
        }
        out.sort(Comparator.comparingLong(DefaultRoute::metric));
        return out;
    }

    /** The best IPv4 default gateway, if any. */
    public static Optional<DefaultRoute> bestIpv4(String procNetRoute) {
        List<DefaultRoute> r = parseIpv4(procNetRoute);
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    /**
     * The fallback guess when no routing table is readable: the first host of the interface's IPv4 subnet
     * ({@code 192.168.1.37/24} → {@code 192.168.1.1}), the address most home routers use. Null for prefixes
     * longer than 30 bits.
     */
    public static InetAddress guessGateway(InetAddress local, int prefixLength) {
        byte[] a = local.getAddress();
        if (a.length != 4 || prefixLength < 1 || prefixLength > 30) {
            return null;
        }
        int ip = (a[0] & 0xff) << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | a[3] & 0xff;
        int mask = -1 << (32 - prefixLength);
        int gw = (ip & mask) + 1;
        if (gw == ip) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (gw >>> 24), (byte) (gw >>> 16), (byte) (gw >>> 8),
                    (byte) gw});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
