package io.hivemind.bt.client;

import java.util.Map;

/**
 * Session-wide statistics (the seed's PerformanceMonitor summary). Immutable snapshot.
 *
 * @param uptimeSeconds       seconds since the session started
 * @param totalDownloaded     payload bytes received
 * @param totalUploaded       payload bytes sent
 * @param downloadRate        payload bytes/s received
 * @param uploadRate          payload bytes/s sent
 * @param protocolDownloaded  all bytes received including protocol overhead
 * @param protocolUploaded    all bytes sent including protocol overhead
 * @param peers               connected peers
 * @param halfOpen            outgoing connections in progress
 * @param torrents            torrents in the session
 * @param activeDownloads     torrents downloading
 * @param activeSeeds         torrents seeding
 * @param dhtNodes            nodes in the DHT routing table (0 when the DHT is off)
 * @param hashFailures        pieces that failed verification
 * @param disconnects         closed connections by reason
 * @param transport           the network transport in use (io_uring, epoll or nio)
 * @param diskQueuedJobs      disk and hashing jobs waiting for a thread (writes, reads, hashes); -1 when unknown
 * @param pieceBufferBytes    memory held by pieces being downloaded (received, not yet written); -1 when unknown
 */
public record SessionStats(
        long uptimeSeconds,
        long totalDownloaded,
        long totalUploaded,
        long downloadRate,
        long uploadRate,
        long protocolDownloaded,
        long protocolUploaded,
        int peers,
        int halfOpen,
        int torrents,
        int activeDownloads,
        int activeSeeds,
        int dhtNodes,
        long hashFailures,
        Map<DisconnectReason, Long> disconnects,
        String transport,
        long diskQueuedJobs,
        long pieceBufferBytes) {

    public SessionStats {
        disconnects = Map.copyOf(disconnects);
    }

    /** Statistics without the disk figures (reported as -1, unknown). */
    public SessionStats(long uptimeSeconds, long totalDownloaded, long totalUploaded, long downloadRate, long uploadRate,
                        long protocolDownloaded, long protocolUploaded, int peers, int halfOpen, int torrents,
                        int activeDownloads, int activeSeeds, int dhtNodes, long hashFailures,
                        Map<DisconnectReason, Long> disconnects, String transport) {
        this(uptimeSeconds, totalDownloaded, totalUploaded, downloadRate, uploadRate, protocolDownloaded,
                protocolUploaded, peers, halfOpen, torrents, activeDownloads, activeSeeds, dhtNodes, hashFailures,
                disconnects, transport, -1, -1);
    }
}
