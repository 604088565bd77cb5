package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Gateway restart detection: RFC 6886 §3.6 and RFC 6887 §8.5. */
class EpochTrackerTest {
    static final long S = 1_000_000_000L;

    @Test
    void natPmpEpochThatKeepsUpIsFine() {
        EpochTracker t = new EpochTracker(EpochTracker.Rule.NAT_PMP);
        assertFalse(t.update(1000, 0));
        assertFalse(t.update(1100, 100 * S));
        assertFalse(t.update(1188, 200 * S)); // a clock 12 % slow is tolerated (7/8)
    }

    @Test
    void natPmpEpochThatFellBackMeansLostMappings() {
        EpochTracker t = new EpochTracker(EpochTracker.Rule.NAT_PMP);
        t.update(5000, 0);
        assertTrue(t.update(30, 100 * S)); // rebooted
        assertFalse(t.update(130, 200 * S));
        assertTrue(t.update(150, 400 * S)); // epoch advanced far less than our clock
    }

    @Test
    void pcpRules() {
        EpochTracker t = new EpochTracker(EpochTracker.Rule.PCP);
        t.update(1000, 0);
        assertFalse(t.update(1100, 100 * S));
        assertTrue(t.update(1097, 101 * S)); // went back more than 1 s
        t.reset();
        t.update(1000, 0);
        assertTrue(t.update(2000, 100 * S)); // the server's clock ran far ahead of ours
    }
}
