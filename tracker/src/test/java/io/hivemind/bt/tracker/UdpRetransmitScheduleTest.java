package io.hivemind.bt.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** BEP 15 "Time outs": wait 15·2ⁿ s after transmission n, n up to 8 (3840 s). */
class UdpRetransmitScheduleTest {
    @Test
    void bep15Schedule() {
        UdpRetransmitSchedule s = UdpRetransmitSchedule.BEP15;
        long[] expected = {15, 30, 60, 120, 240, 480, 960, 1920, 3840};
        for (int n = 0; n < expected.length; n++) {
            assertEquals(expected[n] * 1_000_000_000L, s.timeoutNanos(n), "n=" + n);
            assertEquals(n == 8, s.givesUpAfter(n));
        }
        assertEquals(Duration.ofSeconds(15 * 511), s.totalTimeout());
    }

    @Test
    void defaultGivesUpAfterTwoRetransmissions() {
        UdpRetransmitSchedule s = UdpRetransmitSchedule.DEFAULT;
        assertFalse(s.givesUpAfter(1));
        assertTrue(s.givesUpAfter(2));
        assertEquals(Duration.ofSeconds(105), s.totalTimeout());
        assertThrows(IllegalArgumentException.class, () -> new UdpRetransmitSchedule(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> s.timeoutNanos(-1));
    }
}
