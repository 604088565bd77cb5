package io.hivemind.bt.client.core.picker;

import java.util.function.IntUnaryOperator;

/**
 * How a torrent's pieces split into 16 KiB blocks, and the flat block index used by the cores.
 *
 * <p>A block is identified by one {@code int}: {@code firstBlock(piece) + offsetInPiece / 16384}. Blocks of a
 * piece are numbered consecutively and pieces follow each other, so a flat index fits every per-block array.
 * Every block is {@link #BLOCK_SIZE} bytes except the last block of a piece whose size is not a multiple of it.
 *
 * <p>Implementation note: v1 torrents have equal pieces except a shorter last one; such a layout is stored as
 * three numbers and every query is arithmetic. v2 (BEP 52) torrents also end every file on a piece boundary, so
 * any piece may be short; those layouts keep prefix sums of block counts ({@code int[pieces + 1]}) and piece
 * offsets ({@code long[pieces + 1]}) and map blocks and offsets back to pieces by binary search. Sizes are
 * limited so the flat index stays an {@code int} (at most 2^31 - 1 blocks, 32 TiB).
 *
 * <p>Immutable and thread-safe.
 */
public final class BlockLayout {
    /** The block size every client uses on the wire (BEP 3 "request": 2^14 bytes). */
    public static final int BLOCK_SIZE = 16 * 1024;
    private static final int SHIFT = 14;

    private final int pieceCount;
    private final int totalBlocks;
    private final long totalLength;
    private final int maxBlocksPerPiece;
    // uniform layouts: every piece pieceLength bytes except the last, lastLength <= pieceLength
    private final int pieceLength;
    private final int lastLength;
    private final int blocksPerPiece;
    // other layouts (null when uniform)
    private final int[] firstBlock; // pieceCount + 1 entries
    private final long[] pieceStart; // pieceCount + 1 entries

    private BlockLayout(int pieceCount, int pieceLength, int lastLength) {
        if (pieceLength <= 0 || lastLength <= 0 || lastLength > pieceLength) {
            throw new IllegalArgumentException("piece length " + pieceLength + ", last piece " + lastLength);
        }
        long blocks = (long) (pieceCount - 1) * blocksIn(pieceLength) + blocksIn(lastLength);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more than 2^31 - 1 blocks");
        }
        this.pieceCount = pieceCount;
        this.pieceLength = pieceLength;
        this.lastLength = lastLength;
        this.blocksPerPiece = blocksIn(pieceLength);
        this.totalBlocks = (int) blocks;
        this.totalLength = (long) (pieceCount - 1) * pieceLength + lastLength;
        this.maxBlocksPerPiece = blocksPerPiece;
        this.firstBlock = null;
        this.pieceStart = null;
    }

    private BlockLayout(int[] pieceSize) {
        int n = pieceSize.length;
        this.pieceCount = n;
        this.firstBlock = new int[n + 1];
        this.pieceStart = new long[n + 1];
        long blocks = 0;
        long offset = 0;
        int max = 0;
        for (int p = 0; p < n; p++) {
            int size = pieceSize[p];
            if (size <= 0) {
                throw new IllegalArgumentException("piece " + p + " has size " + size);
            }
            firstBlock[p] = (int) blocks;
            pieceStart[p] = offset;
            blocks += blocksIn(size);
            offset += size;
            if (blocks > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("more than 2^31 - 1 blocks");
            }
            max = Math.max(max, blocksIn(size));
        }
        firstBlock[n] = (int) blocks;
        pieceStart[n] = offset;
        this.totalBlocks = (int) blocks;
        this.totalLength = offset;
        this.maxBlocksPerPiece = max;
        this.pieceLength = 0;
        this.lastLength = 0;
        this.blocksPerPiece = 0;
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
        if (count == 0) {
            return new BlockLayout(new int[0]);
        }
        return new BlockLayout((int) count, pieceLength, (int) (totalLength - (count - 1) * pieceLength));
    }

    /** A layout from any per-piece size function (v2 torrents: short pieces at file ends). */
    public static BlockLayout of(int pieceCount, IntUnaryOperator pieceSize) {
        if (pieceCount < 0) {
            throw new IllegalArgumentException("piece count " + pieceCount);
        }
        int[] sizes = new int[pieceCount];
        boolean uniform = pieceCount > 0;
        for (int p = 0; p < pieceCount; p++) {
            sizes[p] = pieceSize.applyAsInt(p);
            if (p > 0 && (p < pieceCount - 1 ? sizes[p] != sizes[0] : sizes[p] > sizes[0] || sizes[p] <= 0)) {
                uniform = false;
            }
        }
        if (uniform && sizes[0] > 0) {
            return new BlockLayout(pieceCount, sizes[0], sizes[pieceCount - 1]);
        }
        return new BlockLayout(sizes);
    }

    private static int blocksIn(int size) {
        return (int) (((long) size + BLOCK_SIZE - 1) >>> SHIFT);
    }

    /** True if all pieces but the last have one size (stored without per-piece arrays). */
    public boolean isUniform() {
        return firstBlock == null;
    }

    public int pieceCount() {
        return pieceCount;
    }

    public int totalBlocks() {
        return totalBlocks;
    }

    public long totalLength() {
        return totalLength;
    }

    public int maxBlocksPerPiece() {
        return maxBlocksPerPiece;
    }

    public int pieceSize(int piece) {
        checkPiece(piece);
        if (firstBlock == null) {
            return piece == pieceCount - 1 ? lastLength : pieceLength;
        }
        return (int) (pieceStart[piece + 1] - pieceStart[piece]);
    }

    /** Byte offset of {@code piece} in the torrent's piece space ({@code pieceCount} gives the total length). */
    public long pieceStart(int piece) {
        if (piece < 0 || piece > pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
        return firstBlock == null ? (long) piece * pieceLength : pieceStart[piece];
    }

    /** The piece holding byte {@code offset} of the piece space. */
    public int pieceAt(long offset) {
        if (offset < 0 || offset >= totalLength) {
            throw new IndexOutOfBoundsException("offset " + offset + " of " + totalLength);
        }
        if (firstBlock == null) {
            return (int) (offset / pieceLength);
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
        if (firstBlock == null) {
            return piece == pieceCount - 1 ? totalBlocks - piece * blocksPerPiece : blocksPerPiece;
        }
        return firstBlock[piece + 1] - firstBlock[piece];
    }

    /** Flat index of the first block of {@code piece}. */
    public int firstBlock(int piece) {
        checkPiece(piece);
        return firstBlock == null ? piece * blocksPerPiece : firstBlock[piece];
    }

    /** Flat index of the block at byte {@code offset} of {@code piece}. */
    public int block(int piece, int offset) {
        if (offset < 0 || offset >= pieceSize(piece) || (offset & (BLOCK_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("offset " + offset + " in piece " + piece);
        }
        return firstBlock(piece) + (offset >>> SHIFT);
    }

    /** The piece a flat block index belongs to. */
    public int pieceOf(int block) {
        if (block < 0 || block >= totalBlocks) {
            throw new IndexOutOfBoundsException("block " + block + " of " + totalBlocks);
        }
        if (firstBlock == null) {
            return block / blocksPerPiece;
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
        return (block - firstBlock(pieceOf(block))) << SHIFT;
    }

    /** Length in bytes of a block: 16 KiB, or less for the last block of a short piece. */
    public int blockLength(int block) {
        int piece = pieceOf(block);
        int offset = (block - firstBlock(piece)) << SHIFT;
        return Math.min(BLOCK_SIZE, pieceSize(piece) - offset);
    }

    private int checkPiece(int piece) {
        if (piece < 0 || piece >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
        return piece;
    }

    @Override
    public String toString() {
        return "BlockLayout[" + pieceCount + " pieces, " + totalBlocks + " blocks, " + totalLength + " bytes"
                + (isUniform() ? ", uniform]" : "]");
    }
}
