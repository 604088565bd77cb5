package io.hivemind.bt.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.AnnounceScheduler.Announce;
import io.hivemind.bt.tracker.TrackerException.Reason;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The BEP 12 announce scheduler on a virtual clock (seconds written as {@code s(n)}). */
class AnnounceSchedulerTest {
    private static final URI T1 = URI.create("http://tracker1/announce");
    private static final URI T2 = URI.create("http://tracker2/announce");
    private static final URI T3 = URI.create("udp://tracker3:6969");
    private static final URI B1 = URI.create("http://backup1/announce");
    private static final URI B2 = URI.create("http://backup2/announce");

    private static long s(double seconds) {
        return (long) (seconds * 1e9);
    }

    private static AnnounceResponse ok(int interval, int minInterval) {
        return new AnnounceResponse(interval, minInterval, null, 1, 2, 3, List.of(), null, null);
    }

    private static TrackerException down() {
        return new TrackerException(Reason.TIMEOUT, "no answer");
    }

    private static AnnounceScheduler scheduler(List<List<URI>> tiers) {
        return new AnnounceScheduler(tiers, AnnounceScheduler.Config.DEFAULT, new SplittableRandom(1));
    }

    /** Shuffles, then returns the order a tier's URLs are tried in (everything failing). */
    private static List<URI> firstRoundOrder(AnnounceScheduler a, int count) {
        List<URI> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Announce x = a.poll(0);
            order.add(x.url());
            a.onFailure(x, down(), 0);
        }
        return order;
    }

    @Test
    void nothingBeforeStartAndOneAnnounceInFlightAtATime() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1)));
        assertNull(a.poll(0));
        assertEquals(AnnounceScheduler.NEVER, a.nextWakeNanos());
        a.start(0);
        assertEquals(0, a.nextWakeNanos());
        Announce x = a.poll(0);
        assertEquals(T1, x.url());
        assertEquals(AnnounceEvent.STARTED, x.event());
        assertNull(a.poll(0), "one in flight");
        assertEquals(AnnounceScheduler.NEVER, a.nextWakeNanos());
    }

    /** BEP 12 "Order of Processing": URLs within a tier are shuffled once, differently for different seeds. */
    @Test
    void tiersAreShuffledOnce() {
        List<URI> tier = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tier.add(URI.create("http://t" + i + "/announce"));
        }
        Set<List<URI>> orders = new HashSet<>();
        for (int seed = 0; seed < 10; seed++) {
            AnnounceScheduler a = new AnnounceScheduler(List.of(tier), AnnounceScheduler.Config.DEFAULT,
                    new SplittableRandom(seed));
            a.start(0);
            List<URI> order = firstRoundOrder(a, 8);
            assertEquals(new HashSet<>(tier), new HashSet<>(order));
            orders.add(order);
        }
        assertTrue(orders.size() > 1, "shuffled");
    }

    /**
     * BEP 12's second example: [[tracker1, tracker2, tracker3]]; tracker1 fails, tracker2 answers → order becomes
     * tracker2, tracker1, tracker3; later 2 and 1 fail and 3 answers → tracker3, tracker2, tracker1.
     */
    @Test
    void bep12RespondingTrackerMovesToTheFront() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1, T2, T3)));
        a.start(0);
        List<URI> shuffled = new ArrayList<>();
        // Learn the shuffled order, then play BEP 12's example with the first three as "1, 2, 3".
        Announce x = a.poll(0);
        URI first = x.url();
        a.onFailure(x, down(), 0);
        x = a.poll(0);
        URI second = x.url();
        a.onSuccess(x, ok(100, 10), s(1));
        URI third = List.of(T1, T2, T3).stream().filter(u -> u != first && u != second).findFirst().orElseThrow();
        shuffled.add(second);
        shuffled.add(first);
        shuffled.add(third);
        assertEquals(shuffled, a.status().stream().map(TrackerStatus::url).toList());

        // Next round: second fails, first fails, third answers.
        x = a.poll(s(101));
        assertEquals(second, x.url());
        assertEquals(AnnounceEvent.NONE, x.event());
        a.onFailure(x, down(), s(101));
        x = a.poll(s(101));
        assertEquals(first, x.url());
        assertEquals(AnnounceEvent.STARTED, x.event(), "first never answered, so it never heard started");
        a.onFailure(x, down(), s(101));
        x = a.poll(s(101));
        assertEquals(third, x.url());
        a.onSuccess(x, ok(100, 10), s(102));
        assertEquals(List.of(third, second, first), a.status().stream().map(TrackerStatus::url).toList());
    }

    /** BEP 12's first example: [[tracker1], [backup1], [backup2]]; each announce starts again at tier 1. */
    @Test
    void bep12FallsThroughTiersAndStartsEachRoundAtTheFirstTier() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1), List.of(B1), List.of(B2)));
        a.start(0);
        Announce x = a.poll(0);
        assertEquals(T1, x.url());
        a.onFailure(x, down(), 0);
        x = a.poll(0);
        assertEquals(B1, x.url());
        a.onFailure(x, down(), 0);
        x = a.poll(0);
        assertEquals(B2, x.url());
        a.onSuccess(x, ok(1800, 60), s(1));
        assertEquals(s(1801), a.nextWakeNanos());
        assertNull(a.poll(s(1800)));
        x = a.poll(s(1801));
        assertEquals(T1, x.url(), "next round starts at the first tier again");
        TrackerStatus b2 = a.status().get(2);
        assertTrue(b2.current());
        assertEquals(TrackerStatus.State.WORKING, b2.state());
        assertEquals(1, b2.seeders());
    }

    @Test
    void allFailedRoundsBackOffExponentiallyUpToTheCap() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1), List.of(B1)));
        a.start(0);
        long now = 0;
        List<Long> gaps = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            Announce x;
            while ((x = a.poll(now)) != null) {
                a.onFailure(x, down(), now);
            }
            long wake = a.nextWakeNanos();
            gaps.add((wake - now) / 1_000_000_000L);
            now = wake;
        }
        assertEquals(List.of(15L, 30L, 60L, 120L, 240L, 480L, 960L, 1800L, 1800L, 1800L), gaps);
        assertEquals(TrackerStatus.State.FAILED, a.status().getFirst().state());
        assertEquals(10, a.status().getFirst().failures());
        assertEquals("no answer", a.status().getFirst().message());
        // One success resets the back-off.
        Announce x = a.poll(now);
        a.onSuccess(x, ok(60, -1), now);
        x = a.poll(now + s(60));
        a.onFailure(x, down(), now + s(60));
        x = a.poll(now + s(60));
        a.onFailure(x, down(), now + s(60));
        assertNull(a.poll(now + s(60)));
        assertEquals(now + s(75), a.nextWakeNanos());
    }

    /** HARDENING.md: a failure reason (or HTTP 410) stops announcing to that URL. */
    @Test
    void permanentFailuresDisableTheUrl() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1), List.of(B1)));
        a.start(0);
        Announce x = a.poll(0);
        a.onFailure(x, new TrackerException(Reason.TRACKER_FAILURE, "unregistered torrent"), 0);
        x = a.poll(0);
        assertEquals(B1, x.url());
        a.onFailure(x, TrackerException.httpStatus(410, "gone"), 0);
        assertNull(a.poll(0));
        assertEquals(AnnounceScheduler.NEVER, a.nextWakeNanos(), "nothing left to announce to");
        assertFalse(a.hasEnabled());
        assertEquals(TrackerStatus.State.DISABLED, a.status().get(0).state());
        assertEquals("unregistered torrent", a.status().get(0).message());
        assertEquals(TrackerStatus.State.DISABLED, a.status().get(1).state());
        a.reannounce(s(100));
        assertNull(a.poll(s(100)));
        // A transient HTTP error is not permanent.
        assertFalse(TrackerException.httpStatus(503, "busy").isPermanent());
    }

    @Test
    void intervalIsClampedAndMinIntervalGatesReannounce() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1)));
        a.start(0);
        Announce x = a.poll(0);
        a.onSuccess(x, ok(0, 300), 0);
        assertEquals(s(10), a.nextWakeNanos(), "interval 0 is raised to the 10 s floor");
        x = a.poll(s(10));
        a.onSuccess(x, ok(100_000_000, 300), s(10));
        assertEquals(s(10) + s(4 * 3600), a.nextWakeNanos(), "huge intervals are capped at 4 h");
        a.reannounce(s(20));
        assertEquals(s(310), a.nextWakeNanos(), "re-announce waits for min interval");
        a.reannounce(s(400));
        assertEquals(s(310), a.nextWakeNanos());
        x = a.poll(s(310));
        assertEquals(AnnounceEvent.NONE, x.event());
        a.onSuccess(x, ok(1800, -1), s(310));
        a.reannounce(s(311));
        assertEquals(s(340), a.nextWakeNanos(), "default min interval 30 s without one from the tracker");
    }

    @Test
    void completedGoesOutAtOnceToTheTrackerThatHeardStarted() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1)));
        a.start(0);
        Announce x = a.poll(0);
        a.onSuccess(x, ok(1800, 60), 0);
        a.completed(s(5));
        assertEquals(s(5), a.nextWakeNanos(), "completed does not wait for min interval");
        x = a.poll(s(5));
        assertEquals(AnnounceEvent.COMPLETED, x.event());
        a.onSuccess(x, ok(1800, 60), s(6));
        x = a.poll(s(1806));
        assertEquals(AnnounceEvent.NONE, x.event(), "completed is sent once");
    }

    @Test
    void completedWhileARegularAnnounceIsInFlightFollowsRightAfterIt() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1)));
        a.start(0);
        Announce x = a.poll(0);
        a.onSuccess(x, ok(1800, 60), 0);
        x = a.poll(s(1800));
        a.completed(s(1800));
        a.onSuccess(x, ok(1800, 60), s(1801));
        assertEquals(s(1801), a.nextWakeNanos());
        assertEquals(AnnounceEvent.COMPLETED, a.poll(s(1801)).event());
    }

    @Test
    void stopSendsStoppedToEveryTrackerThatHeardStarted() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1), List.of(B1), List.of(B2)));
        a.start(0);
        Announce x = a.poll(0);
        URI first = x.url();
        a.onSuccess(x, ok(60, 10), 0);
        // T1 later fails, B1 answers: both heard started.
        x = a.poll(s(60));
        a.onFailure(x, down(), s(60));
        x = a.poll(s(60));
        assertEquals(B1, x.url());
        a.onSuccess(x, new AnnounceResponse(60, 10, "tid-7", 0, 0, 0, List.of(), "be nice", null), s(61));
        assertEquals("be nice", a.status().get(1).warning());
        x = a.poll(s(121));
        a.completed(s(121));
        List<Announce> stops = a.stop(s(122));
        assertEquals(Set.of(first, B1), Set.copyOf(stops.stream().map(Announce::url).toList()));
        for (Announce st : stops) {
            assertEquals(AnnounceEvent.STOPPED, st.event());
            if (st.url().equals(B1)) {
                assertEquals("tid-7", st.trackerId(), "tracker id is sent back");
            }
        }
        assertNull(a.poll(s(1000)));
        assertTrue(a.stopped());
        a.onSuccess(x, ok(1, 1), s(123)); // a late answer to the in-flight announce changes nothing
        assertNull(a.poll(s(2000)));
        assertEquals(List.of(), a.stop(s(124)), "stop is idempotent");
        a.onFailure(stops.getFirst(), down(), s(125));
        assertNotNull(a.status().getFirst().message());
    }

    @Test
    void duplicateUrlsAndEmptyTiersAreDropped() {
        AnnounceScheduler a = scheduler(List.of(List.of(T1, T1), List.of(), List.of(T1, B1)));
        assertEquals(List.of(T1, B1), a.status().stream().map(TrackerStatus::url).toList());
        assertEquals(1, a.status().get(1).tier());
        assertNotEquals(a.status().get(0).tier(), a.status().get(1).tier());
    }
}
