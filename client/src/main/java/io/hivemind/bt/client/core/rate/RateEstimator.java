package io.hivemind.bt.client.core.rate;

/**
 * Bytes per second over a sliding window, for rates shown to users and used by the choker and the request
 * pipeline.
 *
 * <p>Implementation note: bytes are summed per sample interval (default 1 s); at each interval boundary the
 * interval's rate enters an exponential moving average with {@code alpha = sample / window} (default window 5 s,
 * so alpha = 0.2 and about 86 % of the weight lies in the last 10 s). Idle intervals decay the average in one
 * step ({@code (1 - alpha)^k}). While fewer than a window's worth of samples exist, the average is divided by
 * {@code 1 - (1 - alpha)^n} (the bias correction of Adam-style averages), so a transfer that just started reads
 * its real rate instead of ramping up from zero. Updates are lazy: nothing runs between calls.
 *
 * <p>Not thread-safe: owned by the event loop of the connection or torrent it measures.
 */
public final class RateEstimator {
    private static final double NANOS = 1e9;

    private final long sampleNanos;
    private final double alpha;
    private long intervalStart;
    private long intervalBytes;
    private double average;
    private double weight;   // 1 - (1 - alpha)^samples, the bias correction
    private long total;

    /** A 5 s window with 1 s samples. */
    public RateEstimator(long nowNanos) {
        this(5_000_000_000L, 1_000_000_000L, nowNanos);
    }

    public RateEstimator(long windowNanos, long sampleNanos, long nowNanos) {
        if (sampleNanos <= 0 || windowNanos < sampleNanos) {
            throw new IllegalArgumentException("window " + windowNanos + " ns, sample " + sampleNanos + " ns");
        }
        this.sampleNanos = sampleNanos;
        this.alpha = (double) sampleNanos / windowNanos;
        this.intervalStart = nowNanos;
    }

    /** Counts {@code bytes} transferred at {@code nowNanos}. */
    public void add(long bytes, long nowNanos) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative bytes " + bytes);
        }
        advance(nowNanos);
        intervalBytes += bytes;
        total += bytes;
    }

    /** The estimated rate in bytes per second. */
    public long rate(long nowNanos) {
        advance(nowNanos);
        return weight == 0 ? 0 : Math.round(average / weight);
    }

    /** All bytes ever added. */
    public long total() {
        return total;
    }

    private void advance(long now) {
        long elapsed = now - intervalStart;
        if (elapsed < sampleNanos) {
            return;
        }
        long intervals = elapsed / sampleNanos;
        double sample = intervalBytes * NANOS / sampleNanos;
        average += alpha * (sample - average);
        weight += alpha * (1 - weight);
        if (intervals > 1) {
            double decay = Math.pow(1 - alpha, Math.min(intervals - 1, 10_000));
            average *= decay;
            weight = 1 - (1 - weight) * decay;
        }
        intervalBytes = 0;
        intervalStart += intervals * sampleNanos;
    }
}
