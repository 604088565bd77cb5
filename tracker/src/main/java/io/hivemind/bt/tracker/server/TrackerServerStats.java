package io.hivemind.bt.tracker.server;

/**
 * A snapshot of a {@link TrackerServer}'s state and traffic, as served on {@code /stats}. Immutable.
 *
 * @param swarms          swarms held
 * @param seeders         peers with nothing left, over all swarms
 * @param leechers        other peers
 * @param announcesPerSecond announces answered per second over the last 10 s (HTTP and UDP)
 * @param scrapesPerSecond   scrapes answered per second over the last 10 s
 * @param announces       announces answered since start
 * @param scrapes         scrapes answered since start
 * @param connects        UDP connect requests answered
 * @param rejected        requests refused (bad packet, forged or stale connection id, not whitelisted, limits)
 * @param uptimeSeconds   seconds since start
 * @param heapUsedBytes   JVM heap in use at the time of the snapshot (includes garbage not yet collected)
 */
public record TrackerServerStats(long swarms, long seeders, long leechers, double announcesPerSecond,
                                 double scrapesPerSecond, long announces, long scrapes, long connects, long rejected,
                                 long uptimeSeconds, long heapUsedBytes) {

    /** The stats as a JSON object (the {@code /stats} page). */
    public String toJson() {
        return "{\"swarms\":" + swarms + ",\"seeders\":" + seeders + ",\"leechers\":" + leechers
                + ",\"peers\":" + (seeders + leechers)
                + ",\"announces_per_s\":" + String.format(java.util.Locale.ROOT, "%.1f", announcesPerSecond)
                + ",\"scrapes_per_s\":" + String.format(java.util.Locale.ROOT, "%.1f", scrapesPerSecond)
                + ",\"announces\":" + announces + ",\"scrapes\":" + scrapes + ",\"connects\":" + connects
                + ",\"rejected\":" + rejected + ",\"uptime_s\":" + uptimeSeconds
                + ",\"heap_used_bytes\":" + heapUsedBytes + "}";
    }
}
