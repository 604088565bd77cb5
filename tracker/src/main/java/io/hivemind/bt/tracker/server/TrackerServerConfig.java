package io.hivemind.bt.tracker.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link TrackerServer} does, as plain values; made by {@link TrackerServer.Builder}. Immutable.
 *
 * @param bindAddress       address to listen on, or null for every address
 * @param httpPort          TCP port for HTTP ({@code /announce}, {@code /scrape}, {@code /stats}); 0 = any free
 *                          port, -1 = no HTTP
 * @param udpPort           UDP port for BEP 15; 0 = any free port, -1 = no UDP
 * @param announceInterval  the {@code interval} handed to clients
 * @param minInterval       the {@code min interval}
 * @param peerTimeout       a peer not seen for this long is forgotten (a multiple of the interval, under 24 h)
 * @param maxPeers          hard cap on {@code numwant} (HARDENING.md: 200)
 * @param defaultNumWant    peers returned when the client does not say (50)
 * @param maxSwarms         most swarms held
 * @param maxPeersPerSwarm  most peers held per swarm
 * @param maxScrapeHashes   most info-hashes in one scrape (50)
 * @param trustedProxies    CIDR ranges whose {@code X-Forwarded-For}/{@code X-Real-IP} headers and {@code ip=}
 *                          parameter are believed; empty = never (HARDENING.md)
 * @param udpSockets        UDP sockets bound to the port (more than one needs {@code SO_REUSEPORT})
 */
public record TrackerServerConfig(InetAddress bindAddress, int httpPort, int udpPort, Duration announceInterval,
                                  Duration minInterval, Duration peerTimeout, int maxPeers, int defaultNumWant,
                                  int maxSwarms, int maxPeersPerSwarm, int maxScrapeHashes,
                                  List<String> trustedProxies, int udpSockets) {
    public TrackerServerConfig {
        Objects.requireNonNull(announceInterval);
        Objects.requireNonNull(minInterval);
        Objects.requireNonNull(peerTimeout);
        trustedProxies = List.copyOf(trustedProxies);
        if (httpPort < -1 || httpPort > 65535 || udpPort < -1 || udpPort > 65535) {
            throw new IllegalArgumentException("ports must be -1 (off), 0 (any) or 1..65535");
        }
        if (httpPort == -1 && udpPort == -1) {
            throw new IllegalArgumentException("neither HTTP nor UDP enabled");
        }
        if (announceInterval.toSeconds() < 1 || announceInterval.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("announce interval must be at least 1 s");
        }
        if (minInterval.isNegative() || minInterval.compareTo(announceInterval) > 0) {
            throw new IllegalArgumentException("min interval must be between 0 and the announce interval");
        }
        if (peerTimeout.compareTo(announceInterval) <= 0 || peerTimeout.toHours() >= 24) {
            throw new IllegalArgumentException("peer timeout must be longer than the announce interval and "
                    + "shorter than 24 h");
        }
        if (maxPeers < 1 || maxPeers > 1000) {
            throw new IllegalArgumentException("max peers must be 1..1000");
        }
        if (defaultNumWant < 0 || defaultNumWant > maxPeers) {
            throw new IllegalArgumentException("default numwant must be 0..max peers");
        }
        if (maxSwarms < 1 || maxPeersPerSwarm < 1) {
            throw new IllegalArgumentException("max swarms and max peers per swarm must be positive");
        }
        if (maxScrapeHashes < 1 || maxScrapeHashes > 74) {
            throw new IllegalArgumentException("max scrape hashes must be 1..74");
        }
        if (udpSockets < 1 || udpSockets > 64) {
            throw new IllegalArgumentException("udp sockets must be 1..64");
        }
    }
}
