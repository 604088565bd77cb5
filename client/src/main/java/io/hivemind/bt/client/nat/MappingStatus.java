package io.hivemind.bt.client.nat;

import java.net.InetAddress;
import java.time.Instant;

/**
 * One wanted mapping as one method sees it. Immutable snapshot.
 *
 * @param protocol        TCP or UDP
 * @param internalPort    our port
 * @param method          the method (for the NAT-PMP/PCP driver: the protocol the gateway speaks, PCP until known)
 * @param state           PENDING, MAPPED or FAILED
 * @param externalPort    granted external port, 0 if none yet
 * @param externalAddress the gateway's external address, or null
 * @param leaseExpiry     end of the current lease, null if none or permanent
 * @param lastError       the last failure (a concrete message), or null
 */
public record MappingStatus(Protocol protocol, int internalPort, MappingMethod method, State state, int externalPort,
                            InetAddress externalAddress, Instant leaseExpiry, String lastError) {

    /** A mapping's state. */
    public enum State { PENDING, MAPPED, FAILED }
}
