package io.hivemind.bt.client.core.rate;

/**
 * One level of the bandwidth hierarchy (the session, a torrent, a peer), for one direction: a
 * {@link TokenBucket} plus scratch space used by {@link BandwidthQueue} while it shares quota out.
 *
 * <p>A transfer passes through up to three channels (global, torrent, peer) and may use only what all of them
 * allow: {@link #acquire} grants the minimum available across the levels and takes it from each. An unlimited
 * channel (rate 0) never constrains.
 *
 * <p>Not thread-safe: all channels of one hierarchy belong to one owner (the session's event loop, or a
 * torrent's when the session has no global limit).
 */
public final class BandwidthChannel {
    private final TokenBucket bucket;
    // BandwidthQueue scratch
    int stamp;
    long live;
    long roundStart;
    long roundWeight;

    public BandwidthChannel(TokenBucket bucket) {
        this.bucket = bucket;
    }

    /** A channel limited to {@code bytesPerSecond} (0 = unlimited) with the default burst. */
    public static BandwidthChannel ofRate(long bytesPerSecond, long nowNanos) {
        return new BandwidthChannel(TokenBucket.ofRate(bytesPerSecond, nowNanos));
    }

    public static BandwidthChannel unlimited() {
        return new BandwidthChannel(TokenBucket.unlimited());
    }

    public TokenBucket bucket() {
        return bucket;
    }

    /** Changes the limit (0 = unlimited) with the default burst. */
    public void setRate(long bytesPerSecond, long nowNanos) {
        bucket.setRate(bytesPerSecond, TokenBucket.defaultBurst(bytesPerSecond), nowNanos);
    }

    /**
     * Grants up to {@code bytes} at once: the minimum available across the given levels (any may be null),
     * taken from each. The fast path for a transfer when nobody is queued in a {@link BandwidthQueue}.
     */
    public static long acquire(long bytes, long nowNanos, BandwidthChannel a, BandwidthChannel b, BandwidthChannel c) {
        long g = bytes;
        if (a != null) {
            g = Math.min(g, a.bucket.available(nowNanos));
        }
        if (b != null) {
            g = Math.min(g, b.bucket.available(nowNanos));
        }
        if (c != null) {
            g = Math.min(g, c.bucket.available(nowNanos));
        }
        if (g > 0) {
            if (a != null) {
                a.bucket.consume(g, nowNanos);
            }
            if (b != null) {
                b.bucket.consume(g, nowNanos);
            }
            if (c != null) {
                c.bucket.consume(g, nowNanos);
            }
        }
        return g;
    }
}
