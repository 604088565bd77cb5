package io.hivemind.bt.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A successful announce (BEP 3, BEP 15, BEP 23, BEP 7). A response carrying a {@code failure reason} is never an
 * {@code AnnounceResponse}: it is a {@link TrackerException} with {@link TrackerException.Reason#TRACKER_FAILURE}.
 *
 * @param intervalSeconds    seconds until the next regular announce
 * @param minIntervalSeconds seconds the tracker asks us to wait at least before announcing again, or -1
 * @param trackerId          the {@code tracker id} to send back next time, or null
 * @param seeders            {@code complete}, or -1 when the tracker did not say
 * @param leechers           {@code incomplete}, or -1
 * @param downloaded         {@code downloaded} (completed downloads ever), or -1
 * @param peers              the peers (IPv4 from {@code peers}, IPv6 from {@code peers6}), never null
 * @param warningMessage     the tracker's {@code warning message}, or null; surface it to the user
 * @param externalIp         the address the tracker saw us from ({@code external ip}, BEP 24), or null
 */
public record AnnounceResponse(int intervalSeconds, int minIntervalSeconds, String trackerId, int seeders,
                               int leechers, int downloaded, List<InetSocketAddress> peers, String warningMessage,
                               InetAddress externalIp) {
    public AnnounceResponse {
        peers = List.copyOf(peers);
    }
}
