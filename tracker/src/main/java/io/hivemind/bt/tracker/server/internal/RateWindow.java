package io.hivemind.bt.tracker.server.internal;

/**
 * Events per second over a sliding window, from samples of a monotonically growing counter. Pure: the caller
 * samples (for example once a second from a timer) and passes the time. Not thread-safe.
 *
 * <p>Implementation note: a ring of the last {@code slots} samples; the rate is the counter's growth between the
 * oldest kept sample and the newest, divided by the time between them.
 */
public final class RateWindow {
    private final long[] counts;
    private final long[] times;
    private int next;
    private int filled;

    public RateWindow(int slots) {
        if (slots < 2) {
            throw new IllegalArgumentException("need at least 2 slots");
        }
        counts = new long[slots];
        times = new long[slots];
    }

    public void sample(long count, long nowNanos) {
        counts[next] = count;
        times[next] = nowNanos;
        next = (next + 1) % counts.length;
        filled = Math.min(filled + 1, counts.length);
    }

    /** Events per second across the window, 0 before two samples. */
    public double perSecond() {
        if (filled < 2) {
            return 0;
        }
        int newest = (next - 1 + counts.length) % counts.length;
        int oldest = filled < counts.length ? 0 : next;
        long dt = times[newest] - times[oldest];
        if (dt <= 0) {
            return 0;
        }
        return (counts[newest] - counts[oldest]) * 1e9 / dt;
    }
}
