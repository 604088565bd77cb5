package io.hivemind.bt.client.session;

import io.hivemind.bt.client.Event;
import io.hivemind.bt.tracker.TrackerStatus;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a torrent's tracker status snapshots ({@link io.hivemind.bt.tracker.TrackerSession#status()}) into one
 * event per finished announce: {@link Event.TrackerReply} (with the tracker's URL, the peers it sent and its
 * {@code warning message}) for a success, {@link Event.TrackerError} (with the error or {@code failure reason}) for
 * a failure. An announce is new when a tracker's {@code lastAnnounceNanos} changed since the last snapshot that
 * showed it finished; snapshots taken while an announce is in flight are skipped, as the result is not known yet.
 * Pure (no I/O, no clock: the caller passes the event time).
 *
 * <p>Thread-safety: none; confined to the torrent's loop.
 */
final class TrackerAnnounceEvents {
    private final Map<URI, Long> lastSeen = new HashMap<>();

    /** The events for the announces that finished since the previous call, in tracker order. */
    List<Event> diff(InfoHashes infoHashes, long nowNanos, List<TrackerStatus> status) {
        List<Event> out = new ArrayList<>();
        for (TrackerStatus t : status) {
            if (t.lastAnnounceNanos() < 0) {
                continue;
            }
            boolean ok = t.state() == TrackerStatus.State.WORKING;
            boolean failed = t.state() == TrackerStatus.State.FAILED || t.state() == TrackerStatus.State.DISABLED;
            if (!ok && !failed) {
                continue;
            }
            Long before = lastSeen.put(t.url(), t.lastAnnounceNanos());
            if (before != null && before == t.lastAnnounceNanos()) {
                continue;
            }
            String url = t.url().toString();
            out.add(ok ? new Event.TrackerReply(nowNanos, infoHashes, url, t.peersReceived(), t.warning())
                    : new Event.TrackerError(nowNanos, infoHashes, url,
                            t.message() == null ? "announce failed" : t.message()));
        }
        return out;
    }
}
