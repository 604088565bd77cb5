package io.hivemind.bt.client.session;

import io.hivemind.bt.client.core.rate.TokenBucket;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session-wide {@link TokenBucket} shared by every torrent's event loop. The pure bucket is not thread-safe, so
 * this wrapper takes a short lock around each call; with no limit set ({@code rate == 0}) it answers without
 * locking. Thread-safe.
 */
final class SharedBucket {
    private final ReentrantLock lock = new ReentrantLock();
    private final TokenBucket bucket;
    private volatile boolean unlimited;

    SharedBucket(long bytesPerSecond, long nowNanos) {
        this.bucket = TokenBucket.ofRate(bytesPerSecond, nowNanos);
        this.unlimited = bytesPerSecond == 0;
    }

    boolean isUnlimited() {
        return unlimited;
    }

    void setRate(long bytesPerSecond, long nowNanos) {
        lock.lock();
        try {
            long burst = bytesPerSecond == 0 ? 0 : Math.min(TokenBucket.MAX_BURST, Math.max(bytesPerSecond / 10, 16 * 1024));
            bucket.setRate(bytesPerSecond, burst, nowNanos);
            unlimited = bytesPerSecond == 0;
        } finally {
            lock.unlock();
        }
    }

    long rate() {
        return bucket.rate();
    }

    /** Takes up to {@code bytes}; returns how many were granted. */
    long tryConsume(long bytes, long nowNanos) {
        if (unlimited) {
            return bytes;
        }
        lock.lock();
        try {
            return bucket.tryConsume(bytes, nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Gives back tokens taken but not used. */
    void refund(long bytes, long nowNanos) {
        if (unlimited || bytes <= 0) {
            return;
        }
        lock.lock();
        try {
            bucket.refund(bytes, nowNanos);
        } finally {
            lock.unlock();
        }
    }
}
