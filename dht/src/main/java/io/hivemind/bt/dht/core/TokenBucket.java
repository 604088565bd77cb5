package io.hivemind.bt.dht.core;

/**
 * A byte budget refilled at a constant rate: the DHT's global upload budget (HARDENING.md). A reply that does not
 * fit is dropped, never queued. Not thread-safe; time is passed in.
 */
public final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long updated;

    /**
     * @param bytesPerSecond refill rate
     * @param burstBytes     bucket depth
     */
    public TokenBucket(long bytesPerSecond, long burstBytes, long nowNanos) {
        if (bytesPerSecond <= 0 || burstBytes <= 0) {
            throw new IllegalArgumentException("budget must be positive");
        }
        this.perNano = bytesPerSecond / 1e9;
        this.capacity = burstBytes;
        this.tokens = burstBytes;
        this.updated = nowNanos;
    }

    /** Takes {@code bytes} if available; false (and nothing taken) otherwise. */
    public boolean tryTake(int bytes, long nowNanos) {
        tokens = Math.min(capacity, tokens + Math.max(0, nowNanos - updated) * perNano);
        updated = nowNanos;
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
