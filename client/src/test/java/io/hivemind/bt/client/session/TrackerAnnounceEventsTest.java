package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hivemind.bt.client.Event;
import io.hivemind.bt.tracker.TrackerStatus;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One event per finished announce (BEP 3 tracker responses, BEP 12 tiers), from status snapshots: successes with
 * the URL, peers and warning, failures with the reason; repeated snapshots and in-flight announces add nothing.
 */
class TrackerAnnounceEventsTest {
    private static final InfoHashes IH = InfoHashes.v1(new byte[20]);
    private static final URI A = URI.create("http://a.example/announce");
    private static final URI B = URI.create("udp://b.example:6969");

    private static TrackerStatus st(URI url, int tier, TrackerStatus.State state, String message, String warning,
                                    int peers, long last) {
        return new TrackerStatus(url, tier, state, message, warning, -1, -1, -1, peers, 0, last, -1, false);
    }

    @Test
    void eachFinishedAnnounceOnce() {
        TrackerAnnounceEvents e = new TrackerAnnounceEvents();
        assertEquals(List.of(), e.diff(IH, 1, List.of(st(A, 0, TrackerStatus.State.NOT_CONTACTED, null, null, 0, -1),
                st(B, 1, TrackerStatus.State.NOT_CONTACTED, null, null, 0, -1))), "nothing finished yet");
        assertEquals(List.of(), e.diff(IH, 2, List.of(st(A, 0, TrackerStatus.State.UPDATING, null, null, 0, -1))),
                "in flight");
        List<Event> first = e.diff(IH, 3, List.of(st(A, 0, TrackerStatus.State.FAILED, "connection refused", null, 0, 100),
                st(B, 1, TrackerStatus.State.WORKING, null, "slow down", 7, 110)));
        assertEquals(List.of(new Event.TrackerError(3, IH, A.toString(), "connection refused"),
                new Event.TrackerReply(3, IH, B.toString(), 7, "slow down")), first);
        assertEquals(List.of(), e.diff(IH, 4, List.of(st(A, 0, TrackerStatus.State.FAILED, "connection refused", null, 0,
                100), st(B, 1, TrackerStatus.State.WORKING, null, "slow down", 7, 110))), "the same snapshot again");
        assertEquals(List.of(), e.diff(IH, 5, List.of(st(B, 1, TrackerStatus.State.UPDATING, null, null, 7, 110))),
                "a reannounce in flight");
        assertEquals(List.of(new Event.TrackerReply(6, IH, B.toString(), 3, null)),
                e.diff(IH, 6, List.of(st(B, 1, TrackerStatus.State.WORKING, null, null, 3, 200))));
        assertEquals(List.of(new Event.TrackerError(7, IH, A.toString(), "announce failed")),
                e.diff(IH, 7, List.of(st(A, 0, TrackerStatus.State.DISABLED, null, null, 0, 300))),
                "a disabled tracker without a message still counts, with a generic reason");
    }
}
