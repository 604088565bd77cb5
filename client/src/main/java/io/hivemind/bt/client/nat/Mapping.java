package io.hivemind.bt.client.nat;

import java.net.InetAddress;
import java.time.Instant;

/**
 * A port mapping a gateway granted. Immutable.
 *
 * @param protocol        TCP or UDP
 * @param internalPort    our port
 * @param externalPort    the port on the gateway's external address (may differ from ours)
 * @param externalAddress the gateway's external address, or null if it did not say
 * @param method          how it was mapped
 * @param leaseExpiry     when the lease ends unless renewed (the mapper renews it), or null for a permanent one
 */
public record Mapping(Protocol protocol, int internalPort, int externalPort, InetAddress externalAddress,
                      MappingMethod method, Instant leaseExpiry) {
}
