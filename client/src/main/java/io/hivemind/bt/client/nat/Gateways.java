package io.hivemind.bt.client.nat;

import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.core.RouteTable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * Finds the default gateway: the IPv4 default route with the lowest metric in {@code /proc/net/route}, else the
 * IPv6 one in {@code /proc/net/ipv6_route}, else (no readable routing table) the first host of the first
 * non-loopback IPv4 interface's subnet. Blocking file reads; call off the hot path. Thread-safe.
 */
public final class Gateways {
    private static final long MAX_FILE = 1 << 20;

    private Gateways() {
    }

    /** The default gateway, or throws {@link Reason#NO_GATEWAY} with what was looked at. */
    public static InetAddress defaultGateway() {
        return defaultGateway(Path.of("/proc/net/route"), Path.of("/proc/net/ipv6_route"));
    }

    static InetAddress defaultGateway(Path v4, Path v6) {
        String table = read(v4);
        if (table != null) {
            List<RouteTable.DefaultRoute> r = RouteTable.parseIpv4(table);
            if (!r.isEmpty()) {
                return r.get(0).gateway();
            }
        }
        String table6 = read(v6);
        if (table6 != null) {
            List<RouteTable.DefaultRoute> r = RouteTable.parseIpv6(table6);
            if (!r.isEmpty()) {
                return r.get(0).gateway();
            }
        }
        if (table == null && table6 == null) {
            InetAddress guess = guess();
            if (guess != null) {
                return guess;
            }
        }
        throw new NatException(Reason.NO_GATEWAY, "no default route in " + v4 + " or " + v6
                + ": NAT-PMP/PCP need a default gateway (is this host connected to a router?)");
    }

    private static String read(Path p) {
        try {
            if (!Files.isReadable(p) || Files.size(p) > MAX_FILE) {
                return null;
            }
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static InetAddress guess() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback() || nif.isVirtual()) {
                    continue;
                }
                for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                    if (a.getAddress() instanceof Inet4Address) {
                        InetAddress g = RouteTable.guessGateway(a.getAddress(), a.getNetworkPrefixLength());
                        if (g != null) {
                            return g;
                        }
                    }
                }
            }
        } catch (SocketException e) {
            return null;
        }
        return null;
    }
}
