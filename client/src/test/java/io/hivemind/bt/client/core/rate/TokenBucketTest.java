package io.hivemind.bt.client.core.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;

    @Test
    void startsFullAndRefillsAtTheRate() {
        TokenBucket b = new TokenBucket(1000, 2000, 0);
        assertEquals(2000, b.available(0));
        assertEquals(2000, b.tryConsume(5000, 0));
        assertEquals(0, b.tryConsume(1, 0));
        assertEquals(500, b.available(500 * MS));
        assertFalse(b.tryConsumeAll(501, 500 * MS));
        assertTrue(b.tryConsumeAll(500, 500 * MS));
        assertEquals(2000, b.available(100 * SEC)); // capped at the burst
    }

    /** Many tiny refills add up exactly to one large refill (the fraction of a token is carried). */
    @Test
    void fractionalTokensAreCarried() {
        TokenBucket b = new TokenBucket(333, 10_000, 0);
        b.tryConsume(10_000, 0);
        for (long t = 1; t <= 1000; t++) {
            b.available(t * MS);
        }
        assertEquals(333, b.available(SEC));
    }

    @Test
    void unlimitedNeverLimits() {
        TokenBucket b = TokenBucket.unlimited();
        assertTrue(b.isUnlimited());
        assertEquals(Long.MAX_VALUE, b.available(0));
        assertEquals(1L << 40, b.tryConsume(1L << 40, 0));
        assertEquals(0, b.nanosUntil(1L << 40, 0));
        b.setRate(100, 100, 0);
        assertEquals(100, b.available(0));
        b.setRate(0, 0, 0);
        assertEquals(Long.MAX_VALUE, b.available(0));
    }

    @Test
    void debtIsRepaidBeforeGranting() {
        TokenBucket b = new TokenBucket(1000, 1000, 0);
        b.consume(1500, 0); // 500 in debt
        assertEquals(0, b.available(0));
        assertEquals(1_000 * MS, b.nanosUntil(500, 0)); // repay 500 and earn 500
        assertEquals(0, b.available(499 * MS));
        assertEquals(500, b.available(1000 * MS));
        b.consume(1_000_000, SEC); // debt is capped at one burst
        assertEquals(1000, b.available(3 * SEC));
    }

    @Test
    void nanosUntilIsExact() {
        TokenBucket b = new TokenBucket(3, 10, 0);
        b.tryConsume(10, 0);
        long wait = b.nanosUntil(1, 0);
        assertEquals(333_333_334, wait);
        assertEquals(0, b.available(wait - 1));
        assertEquals(1, b.available(wait));
        assertEquals(0, b.nanosUntil(1, wait));
    }

    @Test
    void survivesHugeTimesAndRates() {
        TokenBucket b = new TokenBucket(Long.MAX_VALUE / 2, TokenBucket.MAX_BURST, 0);
        b.tryConsume(TokenBucket.MAX_BURST, 0);
        assertEquals(TokenBucket.MAX_BURST, b.available(Long.MAX_VALUE / 3));
        TokenBucket c = new TokenBucket(1, 1, Long.MIN_VALUE + 5); // nanoTime may be negative
        c.tryConsume(1, Long.MIN_VALUE + 5);
        assertEquals(1, c.available(Long.MIN_VALUE + 5 + SEC));
    }

    @Test
    void timeGoingBackwardsIsIgnored() {
        TokenBucket b = new TokenBucket(1000, 1000, 10 * SEC);
        b.tryConsume(1000, 10 * SEC);
        assertEquals(0, b.available(5 * SEC));
        assertEquals(100, b.available(10 * SEC + 100 * MS));
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(-1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, TokenBucket.MAX_BURST + 1, 0));
        assertEquals(16 * 1024, TokenBucket.ofRate(1000, 0).burst());
        assertEquals(1_000_000, TokenBucket.ofRate(10_000_000, 0).burst());
    }

    /**
     * Property: a consumer that takes every token at each step gets exactly burst + floor(rate * elapsed / 1 s),
     * as long as no step is long enough to fill the bucket; and never more than that whatever it does.
     */
    @Test
    void grantsExactlyTheRate() {
        qt().withExamples(300).forAll(longs().between(1, 100_000_000), lists().of(integers().between(1, 1_000_000)).ofSizeBetween(1, 200))
                .checkAssert((rate, steps) -> {
                    long burst = Math.max(1, rate); // a step of at most 1 ms earns < burst
                    TokenBucket greedy = new TokenBucket(rate, burst, 0);
                    TokenBucket lazy = new TokenBucket(rate, burst, 0);
                    long now = 0;
                    long granted = greedy.tryConsume(Long.MAX_VALUE, 0);
                    long lazyGranted = 0;
                    List<Integer> s = steps;
                    for (int step : s) {
                        now += step;
                        granted += greedy.tryConsume(Long.MAX_VALUE, now);
                        lazyGranted += lazy.tryConsume(step % 3 == 0 ? step : 0, now);
                    }
                    long expected = burst + java.math.BigInteger.valueOf(rate).multiply(java.math.BigInteger.valueOf(now))
                            .divide(java.math.BigInteger.valueOf(SEC)).longValueExact();
                    assertEquals(expected, granted);
                    assertTrue(lazyGranted <= expected);
                });
    }
}
