package io.hivemind.bt.client.core.picker;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * How a torrent's pieces split into 16 KiB blocks, and the flat block index used by the cores.
 *
 * <p>A block is identified by one {@code int}: {@code firstBlock(piece) + offsetInPiece / 16384}. Blocks of a
 * piece are numbered consecutively and pieces follow each other, so a flat index fits every per-block array.
 * Every block is {@link #BLOCK_SIZE} bytes except the last block of a piece whose size is not a multiple of it.
 *
 * <p>Implementation note: v1 torrents have equal pieces except a shorter last one; v2 (BEP 52) torrents also
 * end every file on a piece boundary, so any piece may be short. The layout keeps a prefix sum of block counts
 * ({@code int[pieces + 1]}) and of piece offsets; for the common uniform case {@link #pieceOf} divides, otherwise
 * it binary-searches. Sizes are limited so the flat index stays an {@code int} (at most 2^31 - 1 blocks, 32 TiB).
 *
 * <p>Immutable and thread-safe.
 */
public final class BlockLayout {
    /** The block size every client uses on the wire (BEP 3 "request": 2^14 bytes). */
    public static final int BLOCK_SIZE = 16 * 1024;
    private static final int SHIFT = 14;

    private final int pieceCount;
    private final int[] firstBlock; // pieceCount + 1 entries
    private final int[] pieceSize;
    private final long[] pieceStart; // pieceCount + 1 entries
    private final int uniformBlocks; // blocks per piece when all but the last piece have it, else -1
    private final int maxBlocksPerPiece;

    private BlockLayout(int pieceCount, int[] pieceSize) {
        this.pieceCount = pieceCount;
        this.pieceSize = pieceSize;
        this.firstBlock = new int[pieceCount + 1];
        this.pieceStart = new long[pieceCount + 1];
        long blocks = 0;
        long offset = 0;
        int max = 0;
        boolean uniform = true;
        int first = pieceCount > 0 ? blocksIn(pieceSize[0]) : 0;
        for (int p = 0; p < pieceCount; p++) {
            int size = pieceSize[p];
            if (size <= 0) {
                throw new IllegalArgumentException("piece " + p + " has size " + size);
            }
            int n = blocksIn(size);
            if (p < pieceCount - 1 && (size != pieceSize[0])) {
                uniform = false;
            }
            if (p == pieceCount - 1 && n > first) {
                uniform = false;
            }
            firstBlock[p] = (int) blocks;
            pieceStart[p] = offset;
            blocks += n;
            offset += size;
            if (blocks > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("more than 2^31 - 1 blocks");
            }
            max = Math.max(max, n);
        }
        firstBlock[pieceCount] = (int) blocks;
        pieceStart[pieceCount] = offset;
        this.uniformBlocks = uniform && pieceCount > 0 ? first : -1;
        this.maxBlocksPerPiece = max;
    }

    /** A v1 layout: every piece {@code pieceLength} bytes, the last one holding the rest of {@code totalLength}. */
    public static BlockLayout uniform(int pieceLength, long totalLength) {
        if (pieceLength <= 0) {
            throw new IllegalArgumentException("piece length " + pieceLength);
        }
        if (totalLength < 0) {
            throw new IllegalArgumentException("total length " + totalLength);
        }
        long count = (totalLength + pieceLength - 1) / pieceLength;
        if (count > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("too many pieces: " + count);
        }
        int n = (int) count;
        int[] sizes = new int[n];
        Arrays.fill(sizes, pieceLength);
        if (n > 0) {
            sizes[n - 1] = (int) (totalLength - (long) (n - 1) * pieceLength);
        }
        return new BlockLayout(n, sizes);
    }

    /** A layout from any per-piece size function (v2 torrents: short pieces at file ends). */
    public static BlockLayout of(int pieceCount, IntUnaryOperator pieceSize) {
        if (pieceCount < 0) {
            throw new IllegalArgumentException("piece count " + pieceCount);
        }
        int[] sizes = new int[pieceCount];
        for (int p = 0; p < pieceCount; p++) {
            sizes[p] = pieceSize.applyAsInt(p);
        }
        return new BlockLayout(pieceCount, sizes);
    }

    private static int blocksIn(int size) {
        return (int) (((long) size + BLOCK_SIZE - 1) >>> SHIFT);
    }

    public int pieceCount() {
        return pieceCount;
    }

    public int totalBlocks() {
        return firstBlock[pieceCount];
    }

    public long totalLength() {
        return pieceStart[pieceCount];
    }

    public int maxBlocksPerPiece() {
        return maxBlocksPerPiece;
    }

    public int pieceSize(int piece) {
        return pieceSize[checkPiece(piece)];
    }

    /** Byte offset of {@code piece} in the torrent's piece space. */
    public long pieceStart(int piece) {
        if (piece < 0 || piece > pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
        return pieceStart[piece];
    }

    /** The piece holding byte {@code offset} of the piece space. */
    public int pieceAt(long offset) {
        if (offset < 0 || offset >= pieceStart[pieceCount]) {
            throw new IndexOutOfBoundsException("offset " + offset + " of " + pieceStart[pieceCount]);
        }
        if (uniformBlocks > 0 && pieceCount > 1) {
            return (int) Math.min(offset / pieceSize[0], pieceCount - 1);
        }
        int lo = 0;
        int hi = pieceCount - 1;
        while (lo < hi) { // largest p with pieceStart[p] <= offset
            int mid = (lo + hi + 1) >>> 1;
            if (pieceStart[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    public int blocksInPiece(int piece) {
        checkPiece(piece);
        return firstBlock[piece + 1] - firstBlock[piece];
    }

    /** Flat index of the first block of {@code piece}. */
    public int firstBlock(int piece) {
        checkPiece(piece);
        return firstBlock[piece];
    }

    /** Flat index of the block at byte {@code offset} of {@code piece}. */
    public int block(int piece, int offset) {
        checkPiece(piece);
        if (offset < 0 || offset >= pieceSize[piece] || (offset & (BLOCK_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("offset " + offset + " in piece " + piece);
        }
        return firstBlock[piece] + (offset >>> SHIFT);
    }

    /** The piece a flat block index belongs to. */
    public int pieceOf(int block) {
        checkBlock(block);
        if (uniformBlocks > 0) {
            return block / uniformBlocks;
        }
        int lo = 0;
        int hi = pieceCount - 1;
        while (lo < hi) { // largest p with firstBlock[p] <= block
            int mid = (lo + hi + 1) >>> 1;
            if (firstBlock[mid] <= block) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Byte offset of a block inside its piece. */
    public int blockOffset(int block) {
        return (block - firstBlock[pieceOf(block)]) << SHIFT;
    }

    /** Length in bytes of a block: 16 KiB, or less for the last block of a short piece. */
    public int blockLength(int block) {
        int piece = pieceOf(block);
        int offset = (block - firstBlock[piece]) << SHIFT;
        return Math.min(BLOCK_SIZE, pieceSize[piece] - offset);
    }

    private int checkPiece(int piece) {
        if (piece < 0 || piece >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
        return piece;
    }

    private void checkBlock(int block) {
        if (block < 0 || block >= firstBlock[pieceCount]) {
            throw new IndexOutOfBoundsException("block " + block + " of " + firstBlock[pieceCount]);
        }
    }

    @Override
    public String toString() {
        return "BlockLayout[" + pieceCount + " pieces, " + totalBlocks() + " blocks, " + totalLength() + " bytes]";
    }
}
