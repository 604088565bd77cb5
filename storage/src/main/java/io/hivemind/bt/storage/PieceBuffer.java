package io.hivemind.bt.storage;

import io.hivemind.bt.storage.internal.PieceHasher;
import io.hivemind.bt.storage.internal.SerialExecutor;
import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One in-flight piece: its 16 KiB blocks collected in off-heap memory from the {@link PieceBufferPool}, hashed as
 * they arrive in order, verified when the last block arrives and written only then. <b>No unverified byte reaches
 * the user's files.</b> Obtain one from {@link TorrentStorage#begin}.
 *
 * <p>Implementation note: blocks may arrive in any order. Each time the contiguous prefix of received blocks grows
 * by sixteen blocks (256 KiB; each step is a hand-off to a hashing thread, often a wake-up) a hashing step for the new prefix is queued, and the last block queues the final step; the
 * steps of one piece run in order on the hashing executor (a {@link SerialExecutor}), so SHA-1/SHA-256 state needs no
 * lock and the event loop never hashes. Blocks are written to memory only by the owner, before the step that reads
 * them is queued (the queue hand-off orders the two). The final step compares the hashes; a verified piece goes to the
 * disk executor, is written block by block, its memory returns to the pool and {@link #result()} completes on the
 * torrent's callback executor with {@link PieceResult.Verified}; a failed piece completes with
 * {@link PieceResult.HashFailed} (the peer of every block, and every block's SHA-1 for smart ban) and nothing is
 * written.
 *
 * <p>Threading: {@link #add}, {@link #abandon} and the accessors belong to one owner thread (the torrent's event
 * loop); they are not thread-safe. The result future may be used from anywhere.
 */
public final class PieceBuffer {
    private static final int BLOCK = PieceBufferPool.BLOCK;
    private static final int HASH_STEP_BLOCKS = 16;

    /** What {@link #add} did with a block. The buffer passed in is released in every case. */
    public enum AddResult {
        /** Stored. */
        ACCEPTED,
        /** Stored, and it was the last block: verification has started. */
        COMPLETE,
        /** This block was already received; ignored. */
        DUPLICATE,
        /** Offset not on a 16 KiB boundary inside the piece, or wrong length; ignored. */
        INVALID,
        /** The piece is complete or abandoned; ignored. */
        CLOSED
    }

    private enum State { OPEN, SEALED, ABANDONED }

    private final TorrentStorage torrent;
    private final int piece;
    private final int size;
    private final int blockCount;
    private final int[] blockIds;
    private final MemorySegment[] blocks;
    private final int[] peers;
    private final long[] received;
    private final boolean wantBlockHashes;
    private final SerialExecutor steps;
    private final CompletableFuture<PieceResult> result = new CompletableFuture<>();
    private int receivedCount;
    private int contiguous;
    private int queuedUpTo;
    private State state = State.OPEN;

    // owned by the hashing steps
    private PieceHasher hasher;
    private int hashed;
    private boolean released;

    PieceBuffer(TorrentStorage torrent, int piece, int size, int[] blockIds, boolean wantBlockHashes) {
        this.torrent = torrent;
        this.piece = piece;
        this.size = size;
        this.blockCount = blockIds.length;
        this.blockIds = blockIds;
        this.blocks = new MemorySegment[blockCount];
        PieceBufferPool pool = torrent.pieceBuffers();
        for (int i = 0; i < blockCount; i++) {
            blocks[i] = pool.block(blockIds[i]);
        }
        this.peers = new int[blockCount];
        this.received = new long[(blockCount + 63) >>> 6];
        this.wantBlockHashes = wantBlockHashes;
        this.steps = new SerialExecutor(torrent.hashExecutor());
    }

    public int piece() {
        return piece;
    }

    /** Bytes of the piece. */
    public int size() {
        return size;
    }

    public int blockCount() {
        return blockCount;
    }

    /** Bytes of block {@code index} (16 KiB, less for the last). */
    public int blockLength(int index) {
        return Math.min(BLOCK, size - index * BLOCK);
    }

    public int receivedBlocks() {
        return receivedCount;
    }

    public boolean hasBlock(int index) {
        return (received[index >>> 6] & (1L << index)) != 0;
    }

    /** True once every block has arrived (verification running or done) or the piece was abandoned. */
    public boolean isClosed() {
        return state != State.OPEN;
    }

    /**
     * Copies one block into the piece and <b>releases {@code data}</b> (whatever the result). {@code offset} must be a
     * multiple of 16 KiB inside the piece and {@code data} exactly {@link #blockLength} bytes.
     *
     * @param peer the id of the peer that sent it (reported back in {@link PieceResult.HashFailed})
     */
    public AddResult add(int offset, ByteBuf data, int peer) {
        try {
            if (state != State.OPEN) {
                return AddResult.CLOSED;
            }
            if (offset < 0 || offset >= size || (offset & (BLOCK - 1)) != 0) {
                return AddResult.INVALID;
            }
            int index = offset >>> 14;
            int length = blockLength(index);
            if (data.readableBytes() != length) {
                return AddResult.INVALID;
            }
            if (hasBlock(index)) {
                return AddResult.DUPLICATE;
            }
            ByteBuffer dst = blocks[index].asByteBuffer().limit(length);
            data.getBytes(data.readerIndex(), dst);
            received[index >>> 6] |= 1L << index;
            peers[index] = peer;
            receivedCount++;
            while (contiguous < blockCount && hasBlock(contiguous)) {
                contiguous++;
            }
            if (receivedCount == blockCount) {
                state = State.SEALED;
                queue(this::finish);
                return AddResult.COMPLETE;
            }
            if (contiguous - queuedUpTo >= HASH_STEP_BLOCKS) {
                int upTo = contiguous;
                queuedUpTo = upTo;
                queue(() -> hashUpTo(upTo));
            }
            return AddResult.ACCEPTED;
        } finally {
            data.release();
        }
    }

    /**
     * Gives the piece up (no longer wanted, torrent paused): its memory returns to the pool once pending hashing
     * steps finish, and {@link #result()} completes with {@link PieceResult.Abandoned}. No effect once sealed.
     */
    public void abandon() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABANDONED;
        queue(() -> {
            releaseMemory();
            torrent.deliver(result, new PieceResult.Abandoned(piece));
        });
    }

    /** Completes once on the torrent's callback executor; see {@link PieceResult}. */
    public CompletableFuture<PieceResult> result() {
        return result;
    }

    private void queue(Runnable step) {
        try {
            steps.execute(step);
        } catch (RejectedExecutionException e) {
            // storage shut down: give the memory back and report
            releaseMemory();
            torrent.deliver(result, new PieceResult.IoFailed(piece,
                    new StorageException(StorageException.Kind.CLOSED, "storage is shut down", e)));
        }
    }

    private ByteBuffer view(int index) {
        return blocks[index].asByteBuffer().limit(blockLength(index));
    }

    private void hashUpTo(int upTo) {
        if (released) {
            return;
        }
        if (hasher == null) {
            hasher = torrent.borrowHasher();
            hasher.begin(piece);
        }
        for (int i = hashed; i < upTo; i++) {
            hasher.update(view(i));
        }
        hashed = Math.max(hashed, upTo);
    }

    private void finish() {
        if (released) {
            return;
        }
        boolean ok;
        boolean v1Failed;
        boolean v2Failed;
        try {
            hashUpTo(blockCount);
            ok = hasher.finish();
            v1Failed = hasher.v1Failed();
            v2Failed = hasher.v2Failed();
        } catch (RuntimeException e) {
            releaseMemory();
            torrent.deliver(result, new PieceResult.IoFailed(piece,
                    new StorageException(StorageException.Kind.IO, "hashing piece " + piece + " failed: " + e, e)));
            return;
        }
        torrent.returnHasher(hasher);
        hasher = null;
        if (!ok) {
            byte[][] hashes = blockHashes();
            releaseMemory();
            torrent.deliver(result, new PieceResult.HashFailed(piece, peers.clone(), hashes, v1Failed, v2Failed));
            return;
        }
        byte[][] hashes = wantBlockHashes ? blockHashes() : null;
        try {
            torrent.writeExecutor().execute(() -> write(hashes));
        } catch (RejectedExecutionException e) {
            releaseMemory();
            torrent.deliver(result, new PieceResult.IoFailed(piece,
                    new StorageException(StorageException.Kind.CLOSED, "storage is shut down", e)));
        }
    }

    private void write(byte[][] hashes) {
        PieceResult r;
        try {
            PieceStore store = torrent.store();
            for (int i = 0; i < blockCount; i++) {
                store.write(piece, i * BLOCK, view(i));
            }
            torrent.writeSucceeded();
            r = new PieceResult.Verified(piece, hashes);
        } catch (StorageException e) {
            torrent.writeFailed(e);
            r = new PieceResult.IoFailed(piece, e);
        } catch (RuntimeException e) {
            StorageException se = new StorageException(StorageException.Kind.IO, "writing piece " + piece + ": " + e, e);
            torrent.writeFailed(se);
            r = new PieceResult.IoFailed(piece, se);
        } finally {
            synchronized (this) {
                releaseMemory();
            }
        }
        torrent.deliver(result, r);
    }

    private byte[][] blockHashes() {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[][] out = new byte[blockCount][];
            for (int i = 0; i < blockCount; i++) {
                sha1.update(view(i));
                out[i] = sha1.digest();
            }
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void releaseMemory() {
        if (released) {
            return;
        }
        released = true;
        if (hasher != null) {
            torrent.returnHasher(hasher);
            hasher = null;
        }
        torrent.pieceBuffers().release(blockIds);
        torrent.bufferClosed();
    }

    @Override
    public String toString() {
        return "PieceBuffer[piece " + piece + ", " + receivedCount + "/" + blockCount + " blocks, " + state + "]";
    }
}
