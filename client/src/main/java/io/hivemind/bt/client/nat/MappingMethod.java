package io.hivemind.bt.client.nat;

/** How a port mapping is made. */
public enum MappingMethod {
    /** UPnP Internet Gateway Device (SOAP {@code AddPortMapping}). */
    UPNP,
    /** NAT Port Mapping Protocol, RFC 6886. */
    NATPMP,
    /** Port Control Protocol, RFC 6887. */
    PCP
}
