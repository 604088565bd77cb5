package io.hivemind.bt.dht.krpc;

import io.hivemind.bt.dht.NodeId;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A DHT contact: a node id and the UDP address it was seen at. Immutable and thread-safe.
 *
 * @param id      the node's id
 * @param address its resolved UDP address (never unresolved)
 */
public record NodeInfo(NodeId id, InetSocketAddress address) {
    public NodeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
    }

    /** True when the address is IPv4 (the BEP 5 table), false for IPv6 (the BEP 32 table). */
    public boolean isIpv4() {
        return address.getAddress() instanceof Inet4Address;
    }
}
