package io.hivemind.bt.client.core.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hivemind.bt.client.core.IntList;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BandwidthQueueTest {
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;

    /** The grant across levels is the minimum available, taken from every level. */
    @Test
    void acquireTakesTheMinimumAcrossLevels() {
        BandwidthChannel global = new BandwidthChannel(new TokenBucket(1000, 1000, 0));
        BandwidthChannel torrent = new BandwidthChannel(new TokenBucket(300, 300, 0));
        BandwidthChannel peer = BandwidthChannel.unlimited();
        assertEquals(300, BandwidthChannel.acquire(500, 0, global, torrent, peer));
        assertEquals(700, global.bucket().available(0));
        assertEquals(0, torrent.bucket().available(0));
        assertEquals(400, BandwidthChannel.acquire(400, 0, global, null, null));
    }

    @Test
    void equalWaitersShareEqually() {
        BandwidthChannel global = new BandwidthChannel(new TokenBucket(1000, 1000, 0));
        BandwidthQueue q = new BandwidthQueue();
        for (int id = 0; id < 4; id++) {
            q.enqueue(id, 1000, 1, global, null, null);
        }
        IntList done = new IntList();
        assertEquals(0, q.assign(0, done));
        for (int id = 0; id < 4; id++) {
            assertEquals(250, q.assignedTo(id));
        }
        assertEquals(0, q.assign(SEC / 2, done)); // 500 more: 375 each
        assertEquals(375, q.assignedTo(3));
        assertEquals(0, q.assign(3 * SEC / 2, done) + q.assign(5 * SEC / 2, done)); // a full bucket each: 875
        assertEquals(875, q.assignedTo(0));
        assertEquals(4, q.assign(7 * SEC / 2, done));
        assertEquals(4, done.size());
        assertTrue(q.isEmpty());
    }

    @Test
    void weightsSkewTheShares() {
        BandwidthChannel global = new BandwidthChannel(new TokenBucket(1000, 1000, 0));
        BandwidthQueue q = new BandwidthQueue();
        q.enqueue(1, 10_000, 3, global, null, null);
        q.enqueue(2, 10_000, 1, global, null, null);
        q.assign(0, new IntList());
        assertEquals(750, q.assignedTo(1));
        assertEquals(250, q.assignedTo(2));
    }

    /** A waiter held back by its torrent's limit leaves its share to the others (work conservation). */
    @Test
    void tighterLevelsPassTheirShareOn() {
        BandwidthChannel global = new BandwidthChannel(new TokenBucket(1000, 1000, 0));
        BandwidthChannel slowTorrent = new BandwidthChannel(new TokenBucket(100, 100, 0));
        BandwidthQueue q = new BandwidthQueue();
        q.enqueue(1, 10_000, 1, global, slowTorrent, null);
        q.enqueue(2, 10_000, 1, global, null, null);
        q.enqueue(3, 10_000, 1, global, null, null);
        q.assign(0, new IntList());
        assertEquals(100, q.assignedTo(1));
        assertEquals(450, q.assignedTo(2));
        assertEquals(450, q.assignedTo(3));
        assertEquals(0, global.bucket().available(0));
    }

    @Test
    void smallRequestsCompleteAndLeaveTheQueue() {
        BandwidthChannel global = new BandwidthChannel(new TokenBucket(1000, 1000, 0));
        BandwidthQueue q = new BandwidthQueue();
        q.enqueue(1, 100, 1, global, null, null);
        q.enqueue(2, 5000, 1, global, null, null);
        IntList done = new IntList();
        assertEquals(1, q.assign(0, done));
        assertEquals(1, done.get(0));
        assertEquals(900, q.assignedTo(2)); // the rest went to the big request
    }

    @Test
    void removedWaitersGiveTheirQuotaBack() {
        BandwidthChannel global = new BandwidthChannel(new TokenBucket(1000, 1000, 0));
        BandwidthQueue q = new BandwidthQueue();
        q.enqueue(1, 5000, 1, global, null, null);
        q.enqueue(2, 5000, 1, global, null, null);
        q.assign(0, new IntList());
        assertEquals(1, q.remove(1, 0));
        assertEquals(500, global.bucket().available(0));
        assertEquals(1, q.size());
        assertThrows(IllegalArgumentException.class, () -> q.enqueue(3, 1, 1, global, global, null));
        assertThrows(IllegalArgumentException.class, () -> q.enqueue(3, 0, 1, global, null, null));
    }

    @Test
    void unlimitedChannelsCompleteEverythingAtOnce() {
        BandwidthQueue q = new BandwidthQueue();
        for (int id = 0; id < 40; id++) {
            q.enqueue(id, 1 << 20, 1, BandwidthChannel.unlimited(), null, BandwidthChannel.unlimited());
        }
        IntList done = new IntList();
        assertEquals(40, q.assign(0, done));
    }

    /**
     * Property: no channel ever grants more than its bucket allows; equal waiters on one shared channel stay
     * within one waiter-count of each other; the shared channel is drained whenever demand exceeds it.
     */
    @Test
    void fairAndWithinLimits() {
        qt().withExamples(200).forAll(longs().all(), integers().between(1, 40), integers().between(1, 50))
                .checkAssert((seed, waiters, ticks) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    long rate = r.nextLong(1, 10_000_000);
                    BandwidthChannel global = new BandwidthChannel(new TokenBucket(rate, Math.max(1, rate / 10), 0));
                    BandwidthChannel[] torrents = new BandwidthChannel[3];
                    long[] torrentRates = new long[3];
                    for (int t = 0; t < 3; t++) {
                        torrentRates[t] = r.nextBoolean() ? 0 : r.nextLong(1, 10_000_000);
                        torrents[t] = new BandwidthChannel(new TokenBucket(torrentRates[t], Math.max(1, torrentRates[t] / 10), 0));
                    }
                    BandwidthQueue q = new BandwidthQueue();
                    long huge = 1L << 50;
                    for (int id = 0; id < waiters; id++) {
                        q.enqueue(id, huge, 1, global, id < waiters / 2 ? null : torrents[id % 3], null);
                    }
                    long now = 0;
                    for (int t = 0; t < ticks; t++) {
                        now += r.nextLong(1, 200 * MS);
                        q.assign(now, new IntList());
                    }
                    long total = 0;
                    long min = Long.MAX_VALUE;
                    long max = 0;
                    for (int id = 0; id < waiters; id++) {
                        long a = q.assignedTo(id);
                        total += a;
                        if (id < waiters / 2) { // only the global limit applies to these
                            min = Math.min(min, a);
                            max = Math.max(max, a);
                        }
                    }
                    long allowed = Math.max(1, rate / 10) + java.math.BigInteger.valueOf(rate).multiply(java.math.BigInteger.valueOf(now))
                            .divide(java.math.BigInteger.valueOf(SEC)).longValueExact();
                    assertTrue(total <= allowed, "granted " + total + " > " + allowed);
                    if (waiters >= 2) { // some waiters are limited by the global channel only: it must be drained
                        assertEquals(0, global.bucket().available(now), "demand exceeds supply but tokens left unused");
                        assertTrue(max - min <= ticks, "unfair: " + min + " .. " + max);
                    }
                });
    }
}
