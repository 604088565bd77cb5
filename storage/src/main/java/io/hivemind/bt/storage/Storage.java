package io.hivemind.bt.storage;

import io.hivemind.bt.storage.internal.HandlePool;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The storage runtime a session owns: the hashing executor (one thread per core by default), the disk executor, the
 * bounded pool of open files and mappings shared by all torrents, and the piece buffer memory budget. Opens
 * {@link TorrentStorage}s (asynchronous, for the session) and bare {@link PieceStore}s (blocking, for tools and
 * benchmarks). Thread-safe; build with {@link #builder()}.
 *
 * <pre>{@code
 * try (Storage storage = Storage.builder().pieceBufferBudget(256L << 20).openFileLimit(512).build()) {
 *     TorrentStorage t = storage.open(StoreSpec.builder(metainfo.info(), saveDir)
 *             .hashes(PieceHashes.of(metainfo)).callbackExecutor(eventLoop).build());
 *     ...
 * }
 * }</pre>
 */
public final class Storage implements AutoCloseable {
    private final PieceBufferPool pieceBuffers;
    private final HandlePool handles;
    private final ExecutorService hashExecutor;
    private final ExecutorService diskExecutor;
    private final boolean ownsHash;
    private final boolean ownsDisk;
    private final int hashThreads;
    private final ByteBufAllocator allocator;
    private final LongSupplier ticker;
    private final Set<TorrentStorage> open = ConcurrentHashMap.newKeySet();

    private Storage(Builder b) {
        this.pieceBuffers = PieceBufferPool.create(b.pieceBufferBudget);
        this.handles = new HandlePool(b.openFileLimit);
        this.hashThreads = b.hashThreads;
        this.ownsHash = b.hashExecutor == null;
        this.ownsDisk = b.diskExecutor == null;
        this.hashExecutor = ownsHash ? Executors.newFixedThreadPool(b.hashThreads, daemon("hivebt-hash"))
                : b.hashExecutor;
        this.diskExecutor = ownsDisk ? Executors.newFixedThreadPool(b.diskThreads, daemon("hivebt-disk"))
                : b.diskExecutor;
        this.allocator = b.allocator;
        this.ticker = b.ticker;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a torrent's storage (blocking briefly: looks at files with priority 0 and reads the part file's header;
     * use {@link #openAsync} from an event loop).
     *
     * @throws StorageException {@link StorageException.Kind#PATH_ESCAPE} for a torrent whose paths leave the save
     *                          directory
     */
    public TorrentStorage open(StoreSpec spec) {
        Objects.requireNonNull(spec.hashes(), "StoreSpec.hashes is required");
        AbstractPieceStore store = newStore(spec);
        try {
            TorrentStorage t = new TorrentStorage(this, store, spec);
            open.add(t);
            return t;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** {@link #open} on the disk executor; completes on the spec's callback executor. */
    public CompletableFuture<TorrentStorage> openAsync(StoreSpec spec) {
        CompletableFuture<TorrentStorage> f = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> open(spec), diskExecutor).whenComplete((t, e) ->
                spec.callbackExecutor().execute(() -> {
                    if (e != null) {
                        f.completeExceptionally(e.getCause() != null ? e.getCause() : e);
                    } else {
                        f.complete(t);
                    }
                }));
        return f;
    }

    /** Opens the blocking SPI for a torrent (tools, benchmarks, recheck); the caller closes it. */
    public PieceStore openStore(StoreSpec spec) {
        return newStore(spec);
    }

    private AbstractPieceStore newStore(StoreSpec spec) {
        return switch (spec.options().kind()) {
            case MMAP -> new MmapStore(spec, handles, allocator, ticker);
            case POSITIONAL -> new PositionalStore(spec, handles, allocator, ticker);
        };
    }

    void closed(TorrentStorage t) {
        open.remove(t);
    }

    public PieceBufferPool pieceBuffers() {
        return pieceBuffers;
    }

    public ExecutorService hashExecutor() {
        return hashExecutor;
    }

    public ExecutorService diskExecutor() {
        return diskExecutor;
    }

    public int hashThreads() {
        return hashThreads;
    }

    /** Files and mappings open now, over all torrents. */
    public long openFiles() {
        return handles.size();
    }

    /** The configured bound on {@link #openFiles()}. */
    public int openFileLimit() {
        return handles.maxOpen();
    }

    long now() {
        return ticker.getAsLong();
    }

    /** Closes every torrent, the executors it owns, open files and the piece buffer memory. */
    @Override
    public void close() {
        for (TorrentStorage t : open) {
            t.close();
        }
        if (ownsDisk) {
            diskExecutor.shutdown();
        }
        if (ownsHash) {
            hashExecutor.shutdown();
        }
        try {
            if (ownsDisk) {
                diskExecutor.awaitTermination(30, TimeUnit.SECONDS);
            }
            if (ownsHash) {
                hashExecutor.awaitTermination(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handles.close();
        pieceBuffers.close();
    }

    /** Builder for {@link Storage}; not thread-safe. */
    public static final class Builder {
        private long pieceBufferBudget = 256L << 20;
        private int openFileLimit = 512;
        private int hashThreads = Runtime.getRuntime().availableProcessors();
        private int diskThreads = 2;
        private ExecutorService hashExecutor;
        private ExecutorService diskExecutor;
        private ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        private LongSupplier ticker = System::nanoTime;

        private Builder() {
        }

        /** Off-heap bytes for in-flight pieces, over all torrents (default 256 MiB). */
        public Builder pieceBufferBudget(long bytes) {
            if (bytes < PieceBufferPool.BLOCK) {
                throw new IllegalArgumentException("piece buffer budget must be at least 16 KiB: " + bytes);
            }
            this.pieceBufferBudget = bytes;
            return this;
        }

        /** Most files (and mappings) open at once, over all torrents (default 512). */
        public Builder openFileLimit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("open file limit must be at least 1: " + limit);
            }
            this.openFileLimit = limit;
            return this;
        }

        /** Hashing threads (default: one per core). */
        public Builder hashThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("hash threads must be at least 1: " + n);
            }
            this.hashThreads = n;
            return this;
        }

        /** Disk threads (default 2: a slow write does not hold up seeding reads). */
        public Builder diskThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("disk threads must be at least 1: " + n);
            }
            this.diskThreads = n;
            return this;
        }

        /** Use this hashing executor (not shut down by {@link Storage#close()}); its parallelism is hashThreads. */
        public Builder hashExecutor(ExecutorService executor) {
            this.hashExecutor = executor;
            return this;
        }

        /** Use this disk executor (not shut down by {@link Storage#close()}). */
        public Builder diskExecutor(ExecutorService executor) {
            this.diskExecutor = executor;
            return this;
        }

        /** Allocator of the buffers positional seeding reads return (default pooled). */
        public Builder allocator(ByteBufAllocator allocator) {
            this.allocator = Objects.requireNonNull(allocator);
            return this;
        }

        /** The clock for validation intervals and error times (default {@link System#nanoTime()}). */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker);
            return this;
        }

        public Storage build() {
            return new Storage(this);
        }
    }
}
