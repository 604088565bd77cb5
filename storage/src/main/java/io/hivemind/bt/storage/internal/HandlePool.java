package io.hivemind.bt.storage.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded pool of open files (and mappings) shared by every torrent of a session, so thousands of torrents do not
 * exhaust file descriptors or the kernel's mapping count ({@code vm.max_map_count}).
 *
 * <p>Implementation note: a Caffeine cache bounded by entry count (W-TinyLFU eviction keeps the files that seeding
 * touches often). Eviction and explicit invalidation run synchronously on the calling thread
 * ({@code executor(Runnable::run)}), so when {@link #invalidateOwner} returns the pool has dropped every handle of
 * that torrent; each handle then closes as soon as its last user releases it (see {@link Handle}). Thread-safe.
 */
public final class HandlePool implements AutoCloseable {
    /** A file of one store: {@code file} is the index in the torrent, {@link #PART_FILE} for the part file. */
    public record Key(long owner, int file) {
    }

    public static final int PART_FILE = -1;
    private static final AtomicLong OWNERS = new AtomicLong();

    private final Cache<Key, Handle> cache;
    private final int maxOpen;

    /** An opener that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface Opener<H extends Handle> {
        H open(Key key) throws IOException;
    }

    public HandlePool(int maxOpen) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("maxOpen must be at least 1: " + maxOpen);
        }
        this.maxOpen = maxOpen;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxOpen)
                .executor(Runnable::run)
                .<Key, Handle>removalListener((Key k, Handle h, RemovalCause cause) -> {
                    if (h != null) {
                        h.retire();
                    }
                })
                .build();
    }

    /** A new owner id, unique in this JVM, for one store. */
    public static long newOwner() {
        return OWNERS.incrementAndGet();
    }

    public int maxOpen() {
        return maxOpen;
    }

    /**
     * The handle for {@code key}, opened with {@code opener} when absent, with one reference taken for the caller,
     * who must {@link Handle#release()} it.
     */
    @SuppressWarnings("unchecked")
    public <H extends Handle> H acquire(Key key, Opener<H> opener) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Handle h;
            try {
                h = cache.get(key, k -> {
                    try {
                        return opener.open(k);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (h.tryRetain()) {
                return (H) h;
            }
            // closed between lookup and retain (evicted and released): drop it and look again
            cache.asMap().remove(key, h);
            if (attempt > 1000) {
                throw new IllegalStateException("cannot retain a handle for " + key);
            }
        }
    }

    /** The cached handle for {@code key} with a reference taken, or null. */
    @SuppressWarnings("unchecked")
    public <H extends Handle> H peek(Key key) {
        Handle h = cache.getIfPresent(key);
        return h != null && h.tryRetain() ? (H) h : null;
    }

    /** Drops {@code key}'s handle if it is still {@code expected}. */
    public void invalidate(Key key, Handle expected) {
        cache.asMap().remove(key, expected);
    }

    /** Drops {@code key}'s handle, whatever it is. */
    public void invalidate(Key key) {
        cache.invalidate(key);
    }

    /** Drops every handle of {@code owner} (pause, remove, priority change). */
    public void invalidateOwner(long owner) {
        cache.asMap().keySet().removeIf(k -> k.owner() == owner);
    }

    /** Number of handles the pool holds now (after pending evictions). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** Number of handles of {@code owner} the pool holds now. */
    public int count(long owner) {
        cache.cleanUp();
        int n = 0;
        for (Key k : cache.asMap().keySet()) {
            if (k.owner() == owner) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }
}
