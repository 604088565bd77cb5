package io.hivemind.bt.client.nat.core;

import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * When to retransmit a UDP request that got no answer. A schedule makes one {@link Retransmission} per exchange;
 * its {@link Retransmission#nextDelayNanos()} is called after each send and says how long to wait for an answer
 * before sending again, or -1 to give up.
 *
 * <p>Implementation note: {@link #natPmp} is RFC 6886 §3.1 exactly (250 ms, doubling, nine sends, the last wait
 * 64 s); {@link #pcp} is RFC 6887 §8.1.1 (IRT 3 s, MRT 1024 s, each timeout scaled by 1 + RAND with RAND uniform in
 * [-0.1, 0.1]) with a bound on the number of sends, since the RFC's MRC = 0 (retry forever) suits a daemon's
 * background loop but not a caller waiting for an answer: the port mapper restarts a failed exchange after a back-off
 * instead. Pure; schedules are immutable and thread-safe, a retransmission is not.
 */
@FunctionalInterface
public interface RetrySchedule {

    Retransmission start();

    /** The waits of one exchange. Not thread-safe. */
    interface Retransmission {
        /** After a send: nanoseconds to wait for an answer, or -1 when no more sends should follow. */
        long nextDelayNanos();
    }

    /** RFC 6886 §3.1: waits of 250 ms × 2^n after send n (n = 0..attempts-1), then give up. RFC value: 9. */
    static RetrySchedule natPmp(int attempts) {
        if (attempts < 1 || attempts > 9) {
            throw new IllegalArgumentException("NAT-PMP attempts must be 1..9 (RFC 6886 §3.1): " + attempts);
        }
        return () -> new Retransmission() {
            private int sent;

            @Override
            public long nextDelayNanos() {
                if (sent >= attempts) {
                    return -1;
                }
                return TimeUnit.MILLISECONDS.toNanos(250L << sent++);
            }
        };
    }

    /** The RFC 6886 schedule with all nine sends (127.75 s in all). */
    RetrySchedule NAT_PMP = natPmp(9);

    /**
     * RFC 6887 §8.1.1 with at most {@code maxSends} sends: RT₁ = (1 + RAND)·IRT, RTₙ = (1 + RAND)·min(2·RTₙ₋₁, MRT),
     * IRT = 3 s, MRT = 1024 s. {@code random} supplies RAND (it must be thread-safe if the schedule is shared).
     */
    static RetrySchedule pcp(RandomGenerator random, int maxSends) {
        if (maxSends < 1) {
            throw new IllegalArgumentException("maxSends must be positive: " + maxSends);
        }
        final double irt = 3.0;
        final double mrt = 1024.0;
        return () -> new Retransmission() {
            private int sent;
            private double previous;

            @Override
            public long nextDelayNanos() {
                if (sent >= maxSends) {
                    return -1;
                }
                double rand = random.nextDouble(-0.1, 0.1);
                double rt = sent == 0 ? (1 + rand) * irt : (1 + rand) * Math.min(2 * previous, mrt);
                sent++;
                previous = rt;
                return (long) (rt * 1e9);
            }
        };
    }

    /** Fixed waits, for tests and probes. */
    static RetrySchedule fixed(long... delaysNanos) {
        long[] d = delaysNanos.clone();
        return () -> new Retransmission() {
            private int i;

            @Override
            public long nextDelayNanos() {
                return i < d.length ? d[i++] : -1;
            }
        };
    }
}
