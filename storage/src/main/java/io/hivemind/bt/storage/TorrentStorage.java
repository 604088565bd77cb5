package io.hivemind.bt.storage;

import io.hivemind.bt.storage.StorageState.Status;
import io.hivemind.bt.storage.internal.PieceHasher;
import io.hivemind.bt.storage.internal.SerialExecutor;
import io.hivemind.bt.storage.resume.ResumeCheck;
import io.hivemind.bt.storage.resume.ResumeData;
import io.hivemind.bt.storage.resume.ResumeStore;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One torrent's storage as the session uses it: non-blocking methods that run the {@link PieceStore} on the disk
 * executor and hashing on the hashing executor, and complete their futures on the torrent's callback executor (its
 * event loop), so the session's single-owner state needs no locks. Obtain one from {@link Storage#open}.
 *
 * <p>Downloading: {@link #begin} a {@link PieceBuffer} per piece (null means the memory budget is spent: stop
 * requesting new pieces until {@link PieceBufferPool#onAvailable} fires), {@link PieceBuffer#add} blocks, and act on
 * {@link PieceBuffer#result()}. Seeding: {@link #readBlock}. Durability: {@link #saveResume} (flush data, then record
 * file states, then write the resume file atomically). Start-up: {@link #start} (trust resume data where the files
 * match, recheck where they do not).
 *
 * <p>Faults: write failures (disk full, read-only) and read failures (files deleted or truncated) update
 * {@link #state()} at once and notify {@link #onStateChange} listeners; a successful write clears a disk-full or
 * read-only state. Nothing already written is touched by a failed write.
 *
 * <p>Thread-safety: every method may be called from any thread; {@link #begin} and the returned buffer's methods
 * belong to the owner thread (see {@link PieceBuffer}). {@link #close()} abandons nothing by itself: abandon open
 * pieces first.
 */
public final class TorrentStorage implements AutoCloseable {
    private final Storage storage;
    private final AbstractPieceStore store;
    private final StoreSpec spec;
    private final PieceHashes hashes;
    private final SerialExecutor writes;
    private final Executor callback;
    private final ConcurrentLinkedQueue<PieceHasher> hashers = new ConcurrentLinkedQueue<>();
    private final AtomicReference<StorageState> state;
    private final CopyOnWriteArrayList<Consumer<StorageState>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger openBuffers = new AtomicInteger();
    private volatile boolean closed;

    TorrentStorage(Storage storage, AbstractPieceStore store, StoreSpec spec) {
        this.storage = storage;
        this.store = store;
        this.spec = spec;
        this.hashes = Objects.requireNonNull(spec.hashes(), "StoreSpec.hashes is required to open a TorrentStorage");
        this.writes = new SerialExecutor(storage.diskExecutor());
        this.callback = spec.callbackExecutor();
        this.state = new AtomicReference<>(
                new StorageState(Status.OK, "", storage.now(), new Bitfield(spec.info().pieceCount())));
        if (spec.info().pieceLength() > storage.pieceBuffers().budget()) {
            throw new IllegalArgumentException("piece length " + spec.info().pieceLength()
                    + " is larger than the whole piece buffer budget " + storage.pieceBuffers().budget());
        }
    }

    public InfoDictionary info() {
        return store.info();
    }

    public StoreSpec spec() {
        return spec;
    }

    /** The blocking SPI underneath (for the disk executor only). */
    public PieceStore store() {
        return store;
    }

    public PieceHashes hashes() {
        return hashes;
    }

    PieceBufferPool pieceBuffers() {
        return storage.pieceBuffers();
    }

    Executor hashExecutor() {
        return storage.hashExecutor();
    }

    Executor diskExecutor() {
        return storage.diskExecutor();
    }

    /**
     * Where verified pieces are written: the disk executor, one piece at a time per torrent. Two threads writing
     * the same file contend for its inode lock (ext4 takes it for every buffered write) and spin on it; one
     * writer per torrent measured 5 % less downloader CPU on loopback (bench/loopback/warm.sh) and leaves the
     * other disk threads to reads.
     */
    Executor writeExecutor() {
        return writes;
    }

    // ---- downloading -----------------------------------------------------------------------------------------

    /** {@link #begin(int, boolean)} without block hashes. */
    public PieceBuffer begin(int piece) {
        return begin(piece, false);
    }

    /**
     * Starts collecting {@code piece}, reserving its memory; returns null when the piece buffer budget cannot cover
     * it now (backpressure: request no new pieces until {@link PieceBufferPool#onAvailable} fires, finish the
     * started ones).
     *
     * @param blockHashes report every block's SHA-1 in {@link PieceResult.Verified} too (for a piece that failed
     *                    before: smart ban compares them)
     * @throws IllegalStateException when the piece's hash is not known yet (v2 without piece layers), or closed
     */
    public PieceBuffer begin(int piece, boolean blockHashes) {
        if (closed) {
            throw new IllegalStateException("storage of " + info().name() + " is closed");
        }
        if (!hashes.canVerify(piece)) {
            throw new IllegalStateException("no hash known for piece " + piece + ": cannot verify it");
        }
        int size = info().pieceSize(piece);
        int[] ids = storage.pieceBuffers().tryReserve(PieceBufferPool.blocksFor(size));
        if (ids == null) {
            return null;
        }
        openBuffers.incrementAndGet();
        return new PieceBuffer(this, piece, size, ids, blockHashes);
    }

    /** Pieces begun and not yet finished (memory still reserved). */
    public int openPieces() {
        return openBuffers.get();
    }

    void bufferClosed() {
        openBuffers.decrementAndGet();
    }

    PieceHasher borrowHasher() {
        PieceHasher h = hashers.poll();
        return h != null ? h : new PieceHasher(info(), hashes);
    }

    void returnHasher(PieceHasher h) {
        if (hashers.size() < 64) {
            hashers.offer(h);
        }
    }

    /** Completes {@code future} with {@code value} on the callback executor. */
    <T> void deliver(CompletableFuture<T> future, T value) {
        try {
            callback.execute(() -> future.complete(value));
        } catch (RejectedExecutionException e) {
            future.complete(value); // the owner's loop is gone: complete here rather than never
        }
    }

    private <T> void deliverFailure(CompletableFuture<T> future, Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        try {
            callback.execute(() -> future.completeExceptionally(cause));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(cause);
        }
    }

    // ---- seeding ---------------------------------------------------------------------------------------------

    /**
     * Reads a block for a peer; the future completes on the callback executor with a buffer the caller owns and
     * must release (mmap store: a zero-copy view of the mapping, released buffers unmap nothing until the last one
     * goes). Fails with {@link StorageException}; {@link StorageException.Kind#FILES_MISSING} names the pieces that
     * must be dropped from the have-set, and {@link #state()} turns {@link Status#FILES_MISSING}. If the future
     * cannot be delivered, the buffer is released here.
     */
    public CompletableFuture<ByteBuf> readBlock(int piece, int offset, int length) {
        CompletableFuture<ByteBuf> f = new CompletableFuture<>();
        submit(f, () -> {
            ByteBuf buf;
            try {
                buf = store.readBlock(piece, offset, length);
            } catch (StorageException e) {
                readFailed(e);
                throw e;
            }
            return buf;
        }, ByteBuf::release);
        return f;
    }

    /**
     * {@link #readBlock}'s buffer right now, on the calling thread, when that needs no disk I/O (see
     * {@link PieceStore#readBlockIfResident}), else null: then call {@link #readBlock}. The caller owns the buffer.
     */
    public ByteBuf readBlockIfResident(int piece, int offset, int length) {
        return closed ? null : store.readBlockIfResident(piece, offset, length);
    }

    // ---- durability, status, priorities ----------------------------------------------------------------------

    /** Forces every write so far to stable storage. */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(f, () -> {
            store.flush();
            return null;
        }, null);
        return f;
    }

    /** The on-disk state of every file. */
    public CompletableFuture<List<FileStatus>> fileStatus() {
        CompletableFuture<List<FileStatus>> f = new CompletableFuture<>();
        submit(f, store::fileStatus, null);
        return f;
    }

    /** Changes file priorities (see {@link PieceStore#setFilePriorities}). */
    public CompletableFuture<Void> setFilePriorities(int[] priorities) {
        int[] copy = priorities.clone();
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(f, () -> {
            store.setFilePriorities(copy);
            return null;
        }, null);
        return f;
    }

    /**
     * Saves resume data durably, in the order that makes it trustworthy: flush the data files, then read their
     * sizes and times, then write the resume file (temp, fsync, rename, fsync directory). {@code data.pieces()}
     * must be a snapshot of the verified pieces taken <em>before</em> this call (every piece in it has had its
     * {@link PieceResult.Verified}); its file states are replaced by the ones read after the flush. Completes with
     * the data saved.
     */
    public CompletableFuture<ResumeData> saveResume(ResumeStore resumeStore, String name, ResumeData data) {
        CompletableFuture<ResumeData> f = new CompletableFuture<>();
        submit(f, () -> {
            store.flush();
            ResumeData saved = data.withFiles(store.fileStatus(), store.partFileStatus());
            resumeStore.save(name, saved);
            return saved;
        }, null);
        return f;
    }

    /** The outcome of {@link #start}: the plan made from the resume data and the pieces verified in the end. */
    public record StartResult(ResumeCheck.Plan plan, Bitfield verified) {
        public StartResult {
            verified = verified.copy();
        }

        @Override
        public Bitfield verified() {
            return verified.copy();
        }
    }

    /**
     * Decides what is on disk at start-up: trusts {@code resume} (may be null) where files match, rechecks pieces
     * of changed files (all pieces without usable resume data) with every hashing thread.
     *
     * @param infoHash the torrent's info-hash as resume data stores it
     */
    public CompletableFuture<StartResult> start(byte[] infoHash, ResumeData resume, Recheck.Progress progress) {
        CompletableFuture<StartResult> f = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> ResumeCheck.plan(info(), infoHash, resume, store.fileStatus(),
                        store.partFileStatus()), storage.diskExecutor())
                .thenCompose(plan -> {
                    if (plan.recheck().isEmpty()) {
                        return CompletableFuture.completedFuture(new StartResult(plan, plan.trusted()));
                    }
                    return Recheck.run(store, hashes, plan.recheck(), storage.hashExecutor(),
                                    storage.hashThreads(), progress, () -> closed)
                            .thenApply(ok -> {
                                Bitfield v = plan.trusted();
                                v.or(ok);
                                return new StartResult(plan, v);
                            });
                })
                .whenComplete((r, t) -> {
                    if (t != null) {
                        deliverFailure(f, t);
                    } else {
                        deliver(f, r);
                    }
                });
        return f;
    }

    /** Hashes {@code pieces} (null: all) with every hashing thread; completes with those that verify. */
    public CompletableFuture<Bitfield> recheck(Bitfield pieces, Recheck.Progress progress) {
        CompletableFuture<Bitfield> f = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> null, storage.diskExecutor())
                .thenCompose(v -> Recheck.run(store, hashes, pieces, storage.hashExecutor(), storage.hashThreads(),
                        progress, () -> closed))
                .whenComplete((r, t) -> {
                    if (t != null) {
                        deliverFailure(f, t);
                    } else {
                        deliver(f, r);
                    }
                });
        return f;
    }

    // ---- state -----------------------------------------------------------------------------------------------

    /** The current storage health. */
    public StorageState state() {
        return state.get();
    }

    /**
     * True when the torrent may download now: no error, or a disk-full/read-only error older than
     * {@link StoreOptions#diskFullRetry()} (time to try again).
     */
    public boolean writable() {
        StorageState s = state.get();
        return switch (s.status()) {
            case OK -> true;
            case DISK_FULL, READ_ONLY, IO_ERROR -> storage.now() - s.sinceNanos() >= spec.options().diskFullRetry().toNanos();
            case FILES_MISSING -> false;
        };
    }

    /** Calls {@code listener} on the callback executor whenever {@link #state()} changes. */
    public void onStateChange(Consumer<StorageState> listener) {
        listeners.add(listener);
    }

    /** Clears an error (after a recheck or "set location"): back to {@link Status#OK}. */
    public void clearError() {
        setState(new StorageState(Status.OK, "", storage.now(), new Bitfield(info().pieceCount())));
    }

    void writeSucceeded() {
        StorageState s = state.get();
        if (s.status() == Status.DISK_FULL || s.status() == Status.READ_ONLY || s.status() == Status.IO_ERROR) {
            clearError();
        }
    }

    void writeFailed(StorageException e) {
        Status st = switch (e.kind()) {
            case DISK_FULL -> Status.DISK_FULL;
            case READ_ONLY -> Status.READ_ONLY;
            case FILES_MISSING -> Status.FILES_MISSING;
            case CLOSED -> null;
            default -> Status.IO_ERROR;
        };
        if (st == null) {
            return;
        }
        StorageState s = state.get();
        if (s.status() == st) {
            return;
        }
        String what = switch (st) {
            case DISK_FULL -> "disk full: seeding only, downloading again in "
                    + spec.options().diskFullRetry().toMinutes() + " min or when space is freed";
            case READ_ONLY -> "save location is read-only: seeding only";
            case FILES_MISSING -> "files missing - set location or recheck";
            default -> "I/O error";
        };
        setState(new StorageState(st, what + " (" + e.getMessage() + ")", storage.now(), s.missingPieces()));
    }

    void readFailed(StorageException e) {
        if (e.kind() != StorageException.Kind.FILES_MISSING) {
            return;
        }
        while (true) {
            StorageState s = state.get();
            Bitfield missing = s.missingPieces();
            Bitfield affected = e.affectedPieces();
            if (affected != null) {
                missing.or(affected);
            }
            StorageState next = new StorageState(Status.FILES_MISSING,
                    "files missing - set location or recheck (" + e.getMessage() + ")",
                    s.status() == Status.FILES_MISSING ? s.sinceNanos() : storage.now(), missing);
            if (state.compareAndSet(s, next)) {
                notifyListeners(next);
                return;
            }
        }
    }

    private void setState(StorageState next) {
        state.set(next);
        notifyListeners(next);
    }

    private void notifyListeners(StorageState s) {
        for (Consumer<StorageState> l : listeners) {
            try {
                callback.execute(() -> l.accept(s));
            } catch (RejectedExecutionException e) {
                l.accept(s);
            }
        }
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    /** Closes every open file and mapping (pause); they reopen on next use. */
    public CompletableFuture<Void> pause() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(f, () -> {
            store.release();
            return null;
        }, null);
        return f;
    }

    /**
     * Closes the store: files and mappings are closed (a mapping still referenced by a block being sent is unmapped
     * when that buffer is released). Open pieces should be abandoned first. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        store.close();
        storage.closed(this);
    }

    public boolean isClosed() {
        return closed;
    }

    private <T> void submit(CompletableFuture<T> f, Supplier<T> work, Consumer<T> onUndelivered) {
        Runnable task = () -> {
            T v;
            try {
                v = work.get();
            } catch (Throwable t) {
                deliverFailure(f, t);
                return;
            }
            try {
                callback.execute(() -> {
                    if (!f.complete(v) && onUndelivered != null) {
                        onUndelivered.accept(v);
                    }
                });
            } catch (RejectedExecutionException e) {
                if (!f.complete(v) && onUndelivered != null) {
                    onUndelivered.accept(v);
                }
            }
        };
        try {
            storage.diskExecutor().execute(task);
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new StorageException(StorageException.Kind.CLOSED, "storage is shut down", e));
        }
    }

    @Override
    public String toString() {
        return "TorrentStorage[" + store + ", " + state.get() + "]";
    }
}
