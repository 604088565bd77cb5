package io.hivemind.bt.storage.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open resource (a file channel, a mapping) shared through a {@link HandlePool}, reference-counted so that it
 * is closed exactly when the pool has let go of it <em>and</em> no operation still uses it. The pool holds one
 * reference; every user {@link #tryRetain() retains} and {@link #release() releases} one. Thread-safe.
 *
 * <p>This is what makes unmapping safe: a mapped segment handed to Netty as a zero-copy buffer keeps its mapping
 * alive until the buffer is released, however the pool evicts or the torrent is paused in the meantime.
 */
public abstract class Handle {
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();

    /** Takes a reference; false when the handle is already closed (then look it up again). */
    public final boolean tryRetain() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the resource on the calling thread. */
    public final void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            closeNow();
        } else if (r < 0) {
            throw new IllegalStateException("handle released too often: " + this);
        }
    }

    /** Drops the pool's reference (once). */
    final void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    /** True once the pool has dropped the handle (it may still be in use). */
    public final boolean isRetired() {
        return retired.get();
    }

    /** True once the resource has been closed. */
    public final boolean isClosed() {
        return refs.get() <= 0;
    }

    /** Closes the resource; called once, by the thread that released the last reference. Must not throw. */
    protected abstract void closeNow();
}
