package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Retransmission schedules: RFC 6886 §3.1 and RFC 6887 §8.1.1. */
class RetryScheduleTest {

    static List<Long> run(RetrySchedule s) {
        List<Long> out = new ArrayList<>();
        RetrySchedule.Retransmission r = s.start();
        for (long d; (d = r.nextDelayNanos()) >= 0 && out.size() < 100; ) {
            out.add(d);
        }
        return out;
    }

    /** A RandomGenerator whose nextDouble(lo, hi) is always {@code value} (within the range). */
    static RandomGenerator constant(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble(double origin, double bound) {
                return value;
            }
        };
    }

    @Test
    void rfc6886Section31NineSendsFrom250MsDoubling() {
        List<Long> d = run(RetrySchedule.NAT_PMP);
        assertEquals(9, d.size());
        for (int i = 0; i < 9; i++) {
            assertEquals((250L << i) * 1_000_000L, d.get(i));
        }
        assertEquals(64_000_000_000L, d.get(8)); // "after sending its ninth attempt (and then waiting for 64 seconds)"
        assertEquals(127_750_000_000L, d.stream().mapToLong(Long::longValue).sum());
        assertEquals(3, run(RetrySchedule.natPmp(3)).size());
        assertThrows(IllegalArgumentException.class, () -> RetrySchedule.natPmp(10));
    }

    @Test
    void rfc6887Section811IrtThreeSecondsDoublingWithJitter() {
        List<Long> none = run(RetrySchedule.pcp(constant(0), 12));
        assertEquals(List.of(3e9, 6e9, 12e9, 24e9, 48e9, 96e9, 192e9, 384e9, 768e9, 1024e9, 1024e9, 1024e9),
                none.stream().map(Long::doubleValue).toList());
        List<Long> plus = run(RetrySchedule.pcp(constant(0.1), 3));
        assertEquals(3.3e9, plus.get(0), 1);
        assertEquals(1.1 * 2 * 3.3e9, plus.get(1), 1); // RT = (1 + RAND) * MIN(2 * RTprev, MRT)
        List<Long> minus = run(RetrySchedule.pcp(constant(-0.1), 2));
        assertEquals(2.7e9, minus.get(0), 1);
    }

    @Test
    void pcpJitterStaysWithinTenPercent() {
        RandomGenerator r = RandomGenerator.of("L64X128MixRandom");
        for (int i = 0; i < 200; i++) {
            long first = RetrySchedule.pcp(r, 1).start().nextDelayNanos();
            assertEquals(3e9, first, 0.3e9 + 1);
        }
    }

    @Test
    void fixedSchedule() {
        assertEquals(List.of(5L, 7L), run(RetrySchedule.fixed(5, 7)));
    }
}
