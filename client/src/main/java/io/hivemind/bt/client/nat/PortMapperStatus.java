package io.hivemind.bt.client.nat;

import java.net.InetAddress;
import java.util.List;

/**
 * What the port mapper knows, for {@code hivebt daemon} stats, the web UI and {@code hivebt doctor}. Immutable
 * snapshot.
 *
 * @param upnpEnabled     UPnP IGD is on
 * @param natpmpEnabled   NAT-PMP/PCP is on
 * @param upnpDevice      the IGD in use ("friendly name at control URL"), or null
 * @param upnpError       why UPnP has no device (discovery failure), or null
 * @param gateway         the NAT-PMP/PCP gateway, or null
 * @param natpmpError     why NAT-PMP/PCP has no gateway, or null
 * @param externalAddress our external address as decided from the gateway, trackers and peers, or null
 * @param mappings        each wanted mapping per enabled method
 */
public record PortMapperStatus(boolean upnpEnabled, boolean natpmpEnabled, String upnpDevice, String upnpError,
                               InetAddress gateway, String natpmpError, InetAddress externalAddress,
                               List<MappingStatus> mappings) {
    public PortMapperStatus {
        mappings = List.copyOf(mappings);
    }

    /** True if at least one method mapped {@code protocol}/{@code internalPort}. */
    public boolean isMapped(Protocol protocol, int internalPort) {
        for (MappingStatus m : mappings) {
            if (m.protocol() == protocol && m.internalPort() == internalPort
                    && m.state() == MappingStatus.State.MAPPED) {
                return true;
            }
        }
        return false;
    }
}
