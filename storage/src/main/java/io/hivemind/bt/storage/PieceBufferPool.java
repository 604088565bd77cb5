package io.hivemind.bt.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The off-heap memory that in-flight pieces are assembled in, with a hard budget (e.g. 256 MiB) shared by every
 * torrent of a session, so memory stays bounded however many peers send blocks.
 *
 * <p>Implementation note: memory is cut into 16 KiB blocks, carved from 1 MiB slabs of one shared {@link Arena} as
 * demand grows, never beyond the budget, and kept for reuse (a free stack of block ids). A piece reserves all its
 * blocks when it starts, so a piece that has started can always finish; when the budget cannot cover a new piece,
 * {@link TorrentStorage#begin} returns null: the caller stops requesting new pieces (backpressure) until blocks are
 * released, which {@link #onAvailable} announces. Every block is the same size, so there is no fragmentation.
 *
 * <p>Thread-safe: reservation and release take a lock (per piece, not per block).
 */
public final class PieceBufferPool implements AutoCloseable {
    /** Bytes per block (BEP 3 request size, BEP 52 leaf size). */
    public static final int BLOCK = 16 * 1024;
    private static final int BLOCKS_PER_SLAB = 64;

    private final long budget;
    private final int maxBlocks;
    private final Arena arena = Arena.ofShared();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private MemorySegment[] blocks = new MemorySegment[0];
    private int[] free = new int[0];
    private int freeCount;
    private int inUse;
    private boolean refused;
    private boolean closed;

    private PieceBufferPool(long budget) {
        if (budget < BLOCK) {
            throw new IllegalArgumentException("piece buffer budget must be at least 16 KiB: " + budget);
        }
        this.budget = budget;
        this.maxBlocks = (int) Math.min(Integer.MAX_VALUE - 8, budget / BLOCK);
    }

    /** A pool of at most {@code budgetBytes} (rounded down to 16 KiB). */
    public static PieceBufferPool create(long budgetBytes) {
        return new PieceBufferPool(budgetBytes);
    }

    /** The budget in bytes. */
    public long budget() {
        return (long) maxBlocks * BLOCK;
    }

    /** Bytes reserved by in-flight pieces now. */
    public synchronized long inUse() {
        return (long) inUse * BLOCK;
    }

    /** Bytes of off-heap memory allocated so far (≤ budget). */
    public synchronized long allocated() {
        return (long) blocks.length * BLOCK;
    }

    /** Bytes that could be reserved now. */
    public synchronized long available() {
        return (long) (maxBlocks - inUse) * BLOCK;
    }

    /** True when a piece of {@code bytes} could start now. */
    public synchronized boolean canReserve(int bytes) {
        return !closed && blocksFor(bytes) <= maxBlocks - inUse;
    }

    /**
     * Registers {@code listener}, run (on the releasing thread; post it to your own loop) whenever blocks are
     * released after a reservation was refused.
     */
    public void onAvailable(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    static int blocksFor(int bytes) {
        return (bytes + BLOCK - 1) / BLOCK;
    }

    /** Reserves {@code count} blocks, or returns null when the budget cannot cover them now. */
    synchronized int[] tryReserve(int count) {
        if (closed) {
            throw new IllegalStateException("piece buffer pool is closed");
        }
        if (count > maxBlocks) {
            throw new IllegalArgumentException(
                    "a piece of " + count + " blocks is larger than the whole budget of " + maxBlocks + " blocks");
        }
        if (count > maxBlocks - inUse) {
            refused = true;
            return null;
        }
        while (freeCount < count) {
            grow();
        }
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = free[--freeCount];
        }
        inUse += count;
        return ids;
    }

    private void grow() {
        int have = blocks.length;
        int add = Math.min(BLOCKS_PER_SLAB, maxBlocks - have);
        MemorySegment slab = arena.allocate((long) add * BLOCK, 4096);
        blocks = Arrays.copyOf(blocks, have + add);
        free = Arrays.copyOf(free, have + add);
        for (int i = 0; i < add; i++) {
            blocks[have + i] = slab.asSlice((long) i * BLOCK, BLOCK);
            free[freeCount++] = have + add - 1 - i;
        }
    }

    /** The memory of block {@code id} (16 KiB). */
    synchronized MemorySegment block(int id) {
        return blocks[id];
    }

    /** Returns reserved blocks. */
    void release(int[] ids) {
        boolean notify;
        synchronized (this) {
            if (closed) {
                return;
            }
            for (int id : ids) {
                free[freeCount++] = id;
            }
            inUse -= ids.length;
            notify = refused;
            refused = false;
        }
        if (notify) {
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    System.getLogger(PieceBufferPool.class.getName())
                            .log(System.Logger.Level.WARNING, "piece buffer listener failed", e);
                }
            }
        }
    }

    /** Frees all memory; pieces still in flight must have been abandoned. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        arena.close();
    }

    @Override
    public synchronized String toString() {
        return "PieceBufferPool[" + inUse() + " of " + budget + " bytes in use, " + allocated() + " allocated]";
    }
}
