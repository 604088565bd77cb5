package io.hivemind.bt.tracker;

import java.time.Duration;

/**
 * The BEP 15 retransmission schedule ("Time outs"): after transmission {@code n} (starting at 0) wait
 * {@code base · 2ⁿ}; after {@code maxRetransmissions} retransmissions the exchange fails. BEP 15 itself lets n
 * grow to 8 (3840 s, {@link #BEP15}); {@link #DEFAULT} stops after 2 retransmissions (transmissions at 0, 15 and
 * 45 s, failure at 105 s), so a dead UDP tracker falls through to the next one of its BEP 12 tier in under two
 * minutes instead of two hours. Immutable and thread-safe; pure.
 *
 * @param base               the first timeout (BEP 15: 15 s)
 * @param maxRetransmissions how many retransmissions before giving up (BEP 15: up to n = 8)
 */
public record UdpRetransmitSchedule(Duration base, int maxRetransmissions) {
    /** Exactly BEP 15: 15 s, n up to 8. */
    public static final UdpRetransmitSchedule BEP15 = new UdpRetransmitSchedule(Duration.ofSeconds(15), 8);
    /** 15 s, 2 retransmissions. */
    public static final UdpRetransmitSchedule DEFAULT = new UdpRetransmitSchedule(Duration.ofSeconds(15), 2);

    public UdpRetransmitSchedule {
        if (base.isNegative() || base.isZero() || maxRetransmissions < 0 || maxRetransmissions > 16) {
            throw new IllegalArgumentException("bad UDP retransmission schedule: base " + base + ", max "
                    + maxRetransmissions);
        }
    }

    /** How long to wait for an answer to transmission {@code n} (0 = the first). */
    public long timeoutNanos(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        return base.toNanos() << Math.min(n, 16);
    }

    /** Whether a timeout of transmission {@code n} ends the exchange instead of retransmitting. */
    public boolean givesUpAfter(int n) {
        return n >= maxRetransmissions;
    }

    /** Total time from the first transmission until the exchange fails. */
    public Duration totalTimeout() {
        long total = 0;
        for (int n = 0; n <= maxRetransmissions; n++) {
            total += timeoutNanos(n);
        }
        return Duration.ofNanos(total);
    }
}
