package io.hivemind.bt.dht.krpc;

import io.hivemind.bt.dht.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * BEP 5 and BEP 32 compact encodings: a peer is 4 (or 16) address bytes and a big-endian port, a node is a
 * 20-byte id followed by a compact peer. Stateless and thread-safe; never resolves names.
 */
public final class Compact {
    /** Bytes of a compact IPv4 peer. */
    public static final int PEER4 = 6;
    /** Bytes of a compact IPv6 peer. */
    public static final int PEER6 = 18;
    /** Bytes of a compact IPv4 node (BEP 5). */
    public static final int NODE4 = 26;
    /** Bytes of a compact IPv6 node (BEP 32). */
    public static final int NODE6 = 38;

    private Compact() {
    }

    /** The compact peer form of {@code address} (6 or 18 bytes). */
    public static byte[] peer(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] out = new byte[ip.length + 2];
        System.arraycopy(ip, 0, out, 0, ip.length);
        out[ip.length] = (byte) (address.getPort() >>> 8);
        out[ip.length + 1] = (byte) address.getPort();
        return out;
    }

    /** Parses a 6- or 18-byte compact peer, or returns null for any other length. */
    public static InetSocketAddress parsePeer(byte[] b, int offset, int length) {
        if (length != PEER4 && length != PEER6) {
            return null;
        }
        int ipLen = length - 2;
        byte[] ip = new byte[ipLen];
        System.arraycopy(b, offset, ip, 0, ipLen);
        int port = (b[offset + ipLen] & 0xff) << 8 | (b[offset + ipLen + 1] & 0xff);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    /** Concatenated compact nodes of one family ({@code v6} selects 38-byte entries); others are skipped. */
    public static byte[] nodes(List<NodeInfo> nodes, boolean v6) {
        int size = v6 ? NODE6 : NODE4;
        int n = 0;
        for (NodeInfo node : nodes) {
            if (node.isIpv4() != v6) {
                n++;
            }
        }
        byte[] out = new byte[n * size];
        int pos = 0;
        for (NodeInfo node : nodes) {
            if (node.isIpv4() == v6) {
                continue;
            }
            node.id().writeTo(out, pos);
            byte[] p = peer(node.address());
            System.arraycopy(p, 0, out, pos + NodeId.LENGTH, p.length);
            pos += size;
        }
        return out;
    }

    /**
     * Parses concatenated compact nodes; entries with port 0 are dropped.
     *
     * @throws KrpcException {@link KrpcException.Reason#BAD_LENGTH} when the length is not a multiple of the entry size
     */
    public static List<NodeInfo> parseNodes(byte[] b, boolean v6, String field) {
        int size = v6 ? NODE6 : NODE4;
        if (b.length % size != 0) {
            throw new KrpcException(KrpcException.Reason.BAD_LENGTH,
                    "'" + field + "' is " + b.length + " bytes, not a multiple of " + size);
        }
        List<NodeInfo> out = new ArrayList<>(b.length / size);
        for (int pos = 0; pos < b.length; pos += size) {
            InetSocketAddress a = parsePeer(b, pos + NodeId.LENGTH, size - NodeId.LENGTH);
            if (a.getPort() == 0) {
                continue;
            }
            out.add(new NodeInfo(NodeId.of(b, pos), a));
        }
        return out;
    }

    /** True when {@code address} is IPv4 (BEP 5 table) rather than IPv6 (BEP 32 table). */
    public static boolean isV4(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address;
    }
}
