package io.hivemind.bt.dht.core;

import io.hivemind.bt.dht.NodeId;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.zip.CRC32C;
import java.util.random.RandomGenerator;

/**
 * BEP 42 "DHT Security extension": node ids tied to the node's external IP.
 *
 * <p>Implementation note: the first 21 bits of the id are the first 21 bits of
 * {@code crc32c((ip & mask) | r << 29)} (IPv4; the high 64 bits with {@code r << 61} for IPv6), and the last
 * byte's low 3 bits are {@code r}; the JDK's {@link CRC32C} does the hashing. Local, loopback and link-local
 * addresses are exempt, as the BEP allows. Stateless and thread-safe.
 */
public final class NodeIdRestriction {
    private static final byte[] V4_MASK = {0x03, 0x0f, 0x3f, (byte) 0xff};
    private static final byte[] V6_MASK = {0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, (byte) 0xff};

    private NodeIdRestriction() {
    }

    /** A fresh id valid for {@code ip}. */
    public static NodeId generate(InetAddress ip, RandomGenerator random) {
        int rand = random.nextInt(256);
        byte[] id = NodeId.random(random).toBytes();
        int crc = crc(ip, rand & 7);
        id[0] = (byte) (crc >>> 24);
        id[1] = (byte) (crc >>> 16);
        id[2] = (byte) ((crc >>> 8 & 0xf8) | (id[2] & 0x07));
        id[19] = (byte) rand;
        return NodeId.of(id);
    }

    /** True when {@code id} satisfies BEP 42 for {@code ip}, or {@code ip} is exempt. */
    public static boolean isValid(NodeId id, InetAddress ip) {
        if (isExempt(ip)) {
            return true;
        }
        byte[] b = id.toBytes();
        int crc = crc(ip, b[19] & 7);
        return b[0] == (byte) (crc >>> 24) && b[1] == (byte) (crc >>> 16)
                && (b[2] & 0xf8) == (crc >>> 8 & 0xf8);
    }

    /** Addresses BEP 42 does not restrict: loopback, private, link-local, unspecified. */
    public static boolean isExempt(InetAddress ip) {
        if (ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || ip.isAnyLocalAddress()) {
            return true;
        }
        if (ip instanceof Inet6Address) {
            byte b0 = ip.getAddress()[0];
            return (b0 & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return false;
    }

    private static int crc(InetAddress ip, int r) {
        byte[] addr = ip.getAddress();
        byte[] mask = ip instanceof Inet4Address ? V4_MASK : V6_MASK;
        byte[] masked = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            masked[i] = (byte) (addr[i] & mask[i]);
        }
        masked[0] |= (byte) (r << 5);
        CRC32C c = new CRC32C();
        c.update(masked);
        return (int) c.getValue();
    }
}
