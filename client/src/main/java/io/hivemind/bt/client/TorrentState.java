package io.hivemind.bt.client;

/** Where a torrent is in its life. */
public enum TorrentState {
    /** Verifying existing data (resume data missing or mismatching, or a forced recheck). */
    CHECKING,
    /** A magnet link waiting for the info dictionary from peers (BEP 9). */
    DOWNLOADING_METADATA,
    DOWNLOADING,
    /** All wanted pieces verified; uploading. */
    SEEDING,
    /** Waiting for a slot in the queue (active download/seed limits). */
    QUEUED,
    /** Stopped by the user. */
    PAUSED,
    /** Stopped by a fault (see the status's error message). */
    ERROR
}
