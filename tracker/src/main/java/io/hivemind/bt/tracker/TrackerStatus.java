package io.hivemind.bt.tracker;

import java.net.URI;

/**
 * What the UI shows for one tracker URL of a torrent: an immutable snapshot made by {@link AnnounceScheduler}.
 *
 * @param url                 the tracker URL
 * @param tier                its BEP 12 tier, 0 first
 * @param state               where it stands
 * @param message             the last error, or the tracker's {@code failure reason}, or null
 * @param warning             the tracker's last {@code warning message}, or null
 * @param seeders             last {@code complete}, or -1
 * @param leechers            last {@code incomplete}, or -1
 * @param downloaded          last {@code downloaded}, or -1
 * @param peersReceived       peers in the last successful response
 * @param failures            failures since the last success
 * @param lastAnnounceNanos   ticker time of the last finished announce, or -1
 * @param nextAnnounceNanos   ticker time of the next announce that will go to this tracker first, or -1
 * @param current             whether this is the tracker the torrent announces to now (the last one that answered)
 */
public record TrackerStatus(URI url, int tier, State state, String message, String warning, int seeders,
                            int leechers, int downloaded, int peersReceived, int failures, long lastAnnounceNanos,
                            long nextAnnounceNanos, boolean current) {

    /** Where a tracker stands. */
    public enum State {
        /** Not tried yet (a lower tier answers, or the torrent has not started). */
        NOT_CONTACTED,
        /** An announce is in flight. */
        UPDATING,
        /** The last announce succeeded. */
        WORKING,
        /** The last announce failed; it will be tried again in a later round. */
        FAILED,
        /** Never announced to again: {@code failure reason}, HTTP 410 or an unsupported URL. */
        DISABLED
    }
}
