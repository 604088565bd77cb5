package io.hivemind.bt.client.core.queue;

/**
 * What the {@link TorrentQueue} reads about one torrent; implemented by the session's torrent state and read on the
 * session's event loop during {@link TorrentQueue#decide}.
 */
public interface QueuedTorrentView {
    int torrentId();

    /** Started and stopped by the queue (true) or by the user only (false). */
    boolean autoManaged();

    /** Currently started (connecting to peers, announcing). */
    boolean running();

    /** Every wanted piece is verified: the torrent is seeding. */
    boolean finished();

    /** Stopped by an error (disk full, files missing): never started by the queue. */
    boolean hasError();

    /** Payload bytes per second received now. */
    long downloadRate();

    /** Payload bytes per second sent now. */
    long uploadRate();

    /** When the torrent was last started, for the start-up grace before it may count as slow. */
    long startedAtNanos();

    /** All-time payload bytes downloaded (for the share ratio). */
    long totalDownloaded();

    /** All-time payload bytes uploaded. */
    long totalUploaded();

    /** Bytes of the wanted pieces (the ratio's denominator when little was downloaded, e.g. for the origin). */
    long wantedBytes();

    /** Time spent seeding, all sessions together. */
    long seedingTimeNanos();

    /** Seeds in the swarm per the last tracker or scrape answer, or -1 if unknown. */
    default int swarmSeeds() {
        return -1;
    }

    /** Downloading peers in the swarm per the last tracker or scrape answer, or -1 if unknown. */
    default int swarmLeechers() {
        return -1;
    }
}
