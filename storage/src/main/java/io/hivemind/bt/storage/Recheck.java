package io.hivemind.bt.storage;

import io.hivemind.bt.storage.internal.PieceHasher;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Hashes a torrent's data on disk and returns the pieces that verify: the full recheck of {@code hivebt recheck},
 * and the partial one after resume data found changed files.
 *
 * <p>Implementation note: {@code parallelism} workers (one per core by default) take pieces in ascending order
 * from a shared counter, so the file is read nearly sequentially while every core hashes. The mmap store hands the
 * hasher views of its mappings (hashed straight from the page cache, no copy); the positional store preads chunks of
 * up to 4 MiB into the worker's direct buffer. The JDK's SHA-1/SHA-256 use the CPU's SHA instructions. Pieces touching a
 * file that does not exist are not read at all. A piece that cannot be read is simply not verified.
 *
 * <p>Thread-safe (stateless); the progress callback runs on the worker threads.
 */
public final class Recheck {
    private static final int CHUNK = 4 * 1024 * 1024;

    private Recheck() {
    }

    /** Progress of a recheck, called after every piece from the worker that hashed it. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param checked pieces done so far
         * @param total   pieces to check
         * @param bytes   bytes read so far
         */
        void update(int checked, int total, long bytes);

        Progress NONE = (checked, total, bytes) -> { };
    }

    /**
     * Hashes {@code candidates} (null: every piece) of {@code store} with {@code parallelism} workers on
     * {@code executor}, and completes with the pieces that verified. Cancelled by {@code cancelled} between pieces.
     */
    public static CompletableFuture<Bitfield> run(PieceStore store, PieceHashes hashes, Bitfield candidates,
                                                  Executor executor, int parallelism, Progress progress,
                                                  BooleanSupplier cancelled) {
        InfoDictionary info = store.info();
        int n = info.pieceCount();
        Bitfield todo = candidates == null ? Bitfield.full(n) : candidates.copy();
        // pieces touching a file that is not on disk cannot verify; the part file may hold skipped files' bytes
        List<FileStatus> status = store.fileStatus();
        int[] priorities = store.filePriorities();
        long pl = info.pieceLength();
        for (FileEntry f : info.files()) {
            if (!f.isPad() && f.length() > 0 && !status.get(f.index()).exists() && priorities[f.index()] != 0) {
                for (int p = f.firstPiece(pl); p <= f.lastPiece(pl); p++) {
                    todo.clear(p);
                }
            }
        }
        int[] pieces = new int[todo.count()];
        for (int p = todo.nextSet(0), k = 0; p >= 0; p = todo.nextSet(p + 1)) {
            pieces[k++] = p;
        }
        int total = candidates == null ? n : candidates.count();
        int skipped = total - pieces.length;
        Bitfield verified = new Bitfield(n);
        AtomicInteger cursor = new AtomicInteger();
        AtomicInteger done = new AtomicInteger(skipped);
        AtomicLong bytes = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int workers = Math.max(1, Math.min(parallelism, pieces.length));
        CompletableFuture<?>[] futures = new CompletableFuture<?>[workers];
        if (skipped > 0) {
            progress.update(skipped, total, 0);
        }
        for (int w = 0; w < workers; w++) {
            futures[w] = CompletableFuture.runAsync(() -> {
                PieceHasher hasher = new PieceHasher(info, hashes);
                ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK, pl));
                int i;
                while ((i = cursor.getAndIncrement()) < pieces.length) {
                    if (cancelled.getAsBoolean() || failure.get() != null) {
                        return;
                    }
                    int p = pieces[i];
                    boolean ok = false;
                    try {
                        ok = hashPiece(store, hasher, buf, p, bytes);
                    } catch (StorageException e) {
                        if (e.kind() == StorageException.Kind.CLOSED) {
                            failure.compareAndSet(null, e);
                            return;
                        }
                        // unreadable: not verified
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                    if (ok) {
                        synchronized (verified) {
                            verified.set(p);
                        }
                    }
                    progress.update(done.incrementAndGet(), total, bytes.get());
                }
            }, executor);
        }
        return CompletableFuture.allOf(futures).thenApply(v -> {
            Throwable t = failure.get();
            if (t != null) {
                throw t instanceof CompletionException ce ? ce : new CompletionException(t);
            }
            synchronized (verified) {
                return verified.copy();
            }
        });
    }

    /** Blocking convenience: {@link #run} and wait. */
    public static Bitfield runBlocking(PieceStore store, PieceHashes hashes, Bitfield candidates, Executor executor,
                                       int parallelism, Progress progress) {
        try {
            return run(store, hashes, candidates, executor, parallelism, progress, () -> false).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private static boolean hashPiece(PieceStore store, PieceHasher hasher, ByteBuffer buf, int piece,
                                     AtomicLong bytes) {
        int size = store.info().pieceSize(piece);
        hasher.begin(piece);
        if (store instanceof AbstractPieceStore s) {
            s.scan(piece, 0, size, buf, hasher::update);
            bytes.addAndGet(size);
            return hasher.finish();
        }
        for (int off = 0; off < size; ) {
            int len = Math.min(buf.capacity(), size - off);
            buf.clear().limit(len);
            store.read(piece, off, buf);
            buf.flip();
            hasher.update(buf);
            off += len;
            bytes.addAndGet(len);
        }
        return hasher.finish();
    }
}
