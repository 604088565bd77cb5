package io.hivemind.bt.client.core.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateEstimatorTest {
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;

    static void feed(RateEstimator r, long bytesPerSecond, long fromNanos, long toNanos) {
        for (long t = fromNanos; t < toNanos; t += 10 * MS) {
            r.add(bytesPerSecond / 100, t);
        }
    }

    @Test
    void aSteadyTransferReadsItsRateFromTheFirstSample() {
        RateEstimator r = new RateEstimator(0);
        assertEquals(0, r.rate(0));
        feed(r, 100_000, 0, SEC);
        assertEquals(100_000, r.rate(SEC)); // bias correction: no ramp from zero
        feed(r, 100_000, SEC, 3 * SEC);
        assertEquals(100_000, r.rate(3 * SEC));
        assertEquals(300_000, r.total());
    }

    @Test
    void followsAChangeWithinAFewWindows() {
        RateEstimator r = new RateEstimator(0);
        feed(r, 100_000, 0, 30 * SEC);
        feed(r, 1_000_000, 30 * SEC, 35 * SEC);
        long mid = r.rate(35 * SEC);
        assertTrue(mid > 600_000 && mid < 1_000_000, "after one window: " + mid);
        feed(r, 1_000_000, 35 * SEC, 60 * SEC);
        assertTrue(Math.abs(r.rate(60 * SEC) - 1_000_000) < 5_000);
    }

    @Test
    void idleDecaysToZero() {
        RateEstimator r = new RateEstimator(0);
        feed(r, 50_000, 0, 10 * SEC);
        long before = r.rate(10 * SEC);
        long after = r.rate(15 * SEC);
        assertTrue(after < before / 2, before + " -> " + after);
        assertEquals(0, r.rate(600 * SEC));
        assertEquals(0, r.rate(Long.MAX_VALUE / 2)); // a very long idle period in one step
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new RateEstimator(SEC, 2 * SEC, 0));
        assertThrows(IllegalArgumentException.class, () -> new RateEstimator(SEC, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RateEstimator(0).add(-1, 0));
    }
}
