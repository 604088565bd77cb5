package io.hivemind.bt.client.core.rate;

/**
 * A token bucket: tokens (bytes) accrue at {@code rate} per second up to {@code burst}; sending takes tokens.
 * A rate of 0 means unlimited.
 *
 * <p>Implementation note: refills are lazy (on every query, from the time elapsed since the last one) and exact:
 * the fraction of a token earned but not yet credited is carried in byte-nanoseconds, so many tiny refills add
 * up to the same tokens as one large one. Arithmetic is overflow-safe for any elapsed time, given
 * {@code burst <= 4 GiB}. The bucket may go into debt (down to {@code -burst}) through {@link #consume}, for bytes
 * that had to be sent anyway (protocol overhead), and repays it before granting again. Time going backwards is
 * ignored.
 *
 * <p>Not thread-safe: owned by one event loop (a session-wide bucket belongs to the session's loop).
 */
public final class TokenBucket {
    public static final long MAX_BURST = 1L << 32;
    private static final long NANOS = 1_000_000_000L;

    private long rate;
    private long burst;
    private long tokens;
    private long last;
    private long carry; // byte-nanos, < NANOS

    /** A bucket that starts full. */
    public TokenBucket(long bytesPerSecond, long burstBytes, long nowNanos) {
        check(bytesPerSecond, burstBytes);
        this.rate = bytesPerSecond;
        this.burst = burstBytes;
        this.tokens = burstBytes;
        this.last = nowNanos;
    }

    /** A bucket that never limits. */
    public static TokenBucket unlimited() {
        return new TokenBucket(0, 0, 0);
    }

    /**
     * A bucket for {@code bytesPerSecond} with the usual burst: {@code max(rate / 10, 16 KiB)} rounded up to
     * one block, enough for one 100 ms tick and never smaller than a block.
     */
    public static TokenBucket ofRate(long bytesPerSecond, long nowNanos) {
        return new TokenBucket(bytesPerSecond, defaultBurst(bytesPerSecond), nowNanos);
    }

    static long defaultBurst(long bytesPerSecond) {
        return bytesPerSecond == 0 ? 0 : Math.min(MAX_BURST, Math.max(bytesPerSecond / 10, 16 * 1024));
    }

    private static void check(long rate, long burst) {
        if (rate < 0) {
            throw new IllegalArgumentException("negative rate " + rate);
        }
        if (rate > 0 && (burst <= 0 || burst > MAX_BURST)) {
            throw new IllegalArgumentException("burst " + burst + " not in [1, " + MAX_BURST + "]");
        }
    }

    public boolean isUnlimited() {
        return rate == 0;
    }

    public long rate() {
        return rate;
    }

    public long burst() {
        return burst;
    }

    /** Changes the rate and burst; current tokens are kept (clamped to the new burst). */
    public void setRate(long bytesPerSecond, long burstBytes, long nowNanos) {
        check(bytesPerSecond, burstBytes);
        refill(nowNanos);
        boolean wasUnlimited = rate == 0;
        this.rate = bytesPerSecond;
        this.burst = burstBytes;
        if (wasUnlimited) {
            tokens = burstBytes;
        }
        tokens = Math.max(-burstBytes, Math.min(tokens, burstBytes));
        carry = 0;
    }

    /** Tokens available now ({@link Long#MAX_VALUE} when unlimited, 0 while in debt). */
    public long available(long nowNanos) {
        if (rate == 0) {
            return Long.MAX_VALUE;
        }
        refill(nowNanos);
        return Math.max(0, tokens);
    }

    /** Takes up to {@code bytes} tokens; returns how many were taken. */
    public long tryConsume(long bytes, long nowNanos) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative bytes " + bytes);
        }
        if (rate == 0) {
            return bytes;
        }
        long granted = Math.min(bytes, available(nowNanos));
        tokens -= granted;
        return granted;
    }

    /** Takes exactly {@code bytes} tokens if that many are available. */
    public boolean tryConsumeAll(long bytes, long nowNanos) {
        if (rate == 0) {
            return true;
        }
        if (available(nowNanos) < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    /** Takes {@code bytes} whatever the balance, going into debt (at most {@code burst}) if needed. */
    public void consume(long bytes, long nowNanos) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative bytes " + bytes);
        }
        if (rate == 0) {
            return;
        }
        refill(nowNanos);
        tokens = Math.max(-burst, tokens - bytes);
    }

    /** Gives back tokens taken but not used (at most up to the burst). */
    public void refund(long bytes, long nowNanos) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative bytes " + bytes);
        }
        if (rate == 0) {
            return;
        }
        refill(nowNanos);
        tokens = Math.min(burst, tokens + Math.min(bytes, burst));
    }

    /** Nanoseconds until {@code min(bytes, burst)} tokens are available (0 if they are now, or if unlimited). */
    public long nanosUntil(long bytes, long nowNanos) {
        if (rate == 0) {
            return 0;
        }
        refill(nowNanos);
        long want = Math.min(bytes, burst);
        if (tokens >= want) {
            return 0;
        }
        long need = want - tokens; // <= 2 * burst <= 2^33, so need * NANOS fits in a long
        long byteNanos = need * NANOS - carry;
        return (byteNanos + rate - 1) / rate;
    }

    private void refill(long now) {
        long elapsed = now - last;
        if (elapsed <= 0) {
            return;
        }
        last = now;
        if (tokens >= burst) {
            carry = 0;
            return;
        }
        long deficit = burst - tokens;
        long high = Math.multiplyHigh(elapsed, rate);
        long low = elapsed * rate;
        if (high != 0 || low < 0 || low > Long.MAX_VALUE - NANOS) {
            tokens = burst;
            carry = 0;
            return;
        }
        long total = low + carry;
        long add = total / NANOS;
        if (add >= deficit) {
            tokens = burst;
            carry = 0;
        } else {
            tokens += add;
            carry = total % NANOS;
        }
    }

    @Override
    public String toString() {
        return rate == 0 ? "TokenBucket[unlimited]" : "TokenBucket[" + rate + " B/s, burst " + burst + ", tokens " + tokens + "]";
    }
}
