package io.hivemind.bt.wire.metainfo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * BEP 52 merkle trees: SHA-256 over 16 KiB blocks of one file, a branching factor of two, and zero padding.
 *
 * <p>The rules, exactly as BEP 52 ("pieces root", "piece layers") and libtorrent apply them:
 * <ul>
 *   <li>A <em>leaf</em> is the SHA-256 of one 16 KiB block of the file; the last block may be shorter and is hashed
 *       as it is (never padded with zero bytes). An empty file has no tree and no root.</li>
 *   <li>The leaf layer is padded with <em>zero hashes</em> (32 zero bytes) up to a power of two. A padding node
 *       higher up is therefore the root of a subtree of zero leaves: {@link #padHash(int) padHash(d)}, with
 *       {@code padHash(0)} = 32 zero bytes and {@code padHash(d + 1) = SHA-256(padHash(d) || padHash(d))}.</li>
 *   <li>A node is {@code SHA-256(left || right)}.</li>
 *   <li>The <em>piece layer</em> is the layer where one hash covers {@code pieceLength} bytes, i.e.
 *       {@code leavesPerPiece = pieceLength / 16 KiB} leaves: {@link #pieceRoot} of each piece's leaves, the last
 *       piece's leaves padded with zero hashes to {@code leavesPerPiece}. Only files longer than one piece have a
 *       piece layer in the {@code piece layers} dictionary; it holds {@code ceil(length / pieceLength)} hashes
 *       (hashes covering only padding are omitted).</li>
 *   <li>The file's {@code pieces root}: for a file longer than one piece, the root over its piece layer padded with
 *       {@code padHash(log2(leavesPerPiece))} to a power of two ({@link #rootFromPieceLayer}); for a file of one
 *       piece or less, the root over its leaves padded to the next power of two of the <em>leaf count</em>, not
 *       to a full piece ({@link #rootFromLeaves}). Both are the root of the leaf layer padded to a power of two.</li>
 *   <li>Verifying piece {@code i} of a file: compute the hash of the piece's leaves the same way, with
 *       {@link #pieceRoot} for files longer than a piece (compare with entry {@code i} of the piece layer) and
 *       {@link #rootFromLeaves} for files of one piece or less (compare with the pieces root).</li>
 * </ul>
 *
 * <p>Hashes are passed as concatenated 32-byte values in one {@code byte[]} ({@code count} of them). Results are
 * new arrays; inputs are never modified. Thread-safe (each call uses its own {@link MessageDigest}; the
 * {@code MessageDigest}-taking variants are for hot loops that reuse one digest per thread).
 */
public final class Merkle {
    /** Bytes per leaf block. */
    public static final int BLOCK_SIZE = 16 * 1024;
    /** Bytes per SHA-256 hash. */
    public static final int HASH_SIZE = 32;

    private static final int MAX_DEPTH = 64;
    private static final byte[][] PAD = padHashes();

    private Merkle() {
    }

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** Number of 16 KiB blocks (leaves) of a file of {@code length} bytes. */
    public static long blockCount(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        return (length + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    /** {@code pieceLength / 16 KiB}; {@code pieceLength} must be a power of two ≥ 16 KiB. */
    public static int leavesPerPiece(long pieceLength) {
        if (pieceLength < BLOCK_SIZE || Long.bitCount(pieceLength) != 1 || pieceLength / BLOCK_SIZE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("v2 piece length must be a power of two >= 16 KiB: " + pieceLength);
        }
        return (int) (pieceLength / BLOCK_SIZE);
    }

    /** The smallest power of two ≥ {@code n} (1 for {@code n <= 1}). */
    public static long nextPowerOfTwo(long n) {
        if (n <= 1) {
            return 1;
        }
        if (n > (1L << 62)) {
            throw new IllegalArgumentException("too large: " + n);
        }
        return Long.highestOneBit(n - 1) << 1;
    }

    /** The root of a subtree of {@code 2^depth} zero leaves (a copy); depth 0 is the zero hash. */
    public static byte[] padHash(int depth) {
        if (depth < 0 || depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("depth " + depth);
        }
        return PAD[depth].clone();
    }

    /** SHA-256 of {@code data[offset, offset + length)}, one leaf ({@code length <= 16 KiB}). */
    public static byte[] leafHash(byte[] data, int offset, int length) {
        if (length < 0 || length > BLOCK_SIZE) {
            throw new IllegalArgumentException("a leaf is at most 16 KiB: " + length);
        }
        MessageDigest md = sha256();
        md.update(data, offset, length);
        return md.digest();
    }

    /** Leaf hashes of {@code data[offset, offset + length)}: {@code ceil(length / 16 KiB)} concatenated hashes. */
    public static byte[] leafHashes(byte[] data, int offset, int length) {
        int count = (int) blockCount(length);
        byte[] out = new byte[count * HASH_SIZE];
        MessageDigest md = sha256();
        try {
            for (int i = 0; i < count; i++) {
                int off = i * BLOCK_SIZE;
                md.update(data, offset + off, Math.min(BLOCK_SIZE, length - off));
                md.digest(out, i * HASH_SIZE, HASH_SIZE);
            }
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * The hash of one piece of a file longer than one piece: the root of {@code count} leaf hashes
     * ({@code 1 <= count <= leavesPerPiece}) padded with zero hashes to {@code leavesPerPiece} leaves.
     */
    public static byte[] pieceRoot(byte[] leafHashes, int count, int leavesPerPiece) {
        checkPowerOfTwo(leavesPerPiece);
        if (count < 1 || count > leavesPerPiece) {
            throw new IllegalArgumentException("piece has " + count + " leaves, at most " + leavesPerPiece);
        }
        return root(leafHashes, count, leavesPerPiece, 0, sha256());
    }

    /**
     * The pieces root of a file of one piece or less, or of any file from all its leaves: the root of {@code count}
     * leaf hashes ({@code count >= 1}) padded with zero hashes to the next power of two of {@code count}.
     */
    public static byte[] rootFromLeaves(byte[] leafHashes, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a tree needs at least one leaf");
        }
        return root(leafHashes, count, (int) nextPowerOfTwo(count), 0, sha256());
    }

    /**
     * The piece layer of a file from its leaf hashes: {@code ceil(count / leavesPerPiece)} piece hashes
     * ({@link #pieceRoot} of each group of {@code leavesPerPiece} leaves, the last group padded).
     */
    public static byte[] pieceLayer(byte[] leafHashes, int count, int leavesPerPiece) {
        checkPowerOfTwo(leavesPerPiece);
        int pieces = (count + leavesPerPiece - 1) / leavesPerPiece;
        byte[] out = new byte[pieces * HASH_SIZE];
        MessageDigest md = sha256();
        byte[] work = new byte[leavesPerPiece * HASH_SIZE];
        for (int p = 0; p < pieces; p++) {
            int n = Math.min(leavesPerPiece, count - p * leavesPerPiece);
            System.arraycopy(leafHashes, p * leavesPerPiece * HASH_SIZE, work, 0, n * HASH_SIZE);
            reduceInPlace(work, n, leavesPerPiece, 0, md);
            System.arraycopy(work, 0, out, p * HASH_SIZE, HASH_SIZE);
        }
        return out;
    }

    /**
     * The pieces root of a file longer than one piece from its piece layer ({@code ceil(fileLength / pieceLength)}
     * concatenated hashes): the layer is padded with {@code padHash(log2(pieceLength / 16 KiB))} to a power of
     * two and reduced. For a file of one piece or less the layer is its single piece hash, which is the root.
     *
     * @throws IllegalArgumentException if the layer has the wrong size
     */
    public static byte[] rootFromPieceLayer(byte[] layer, long fileLength, long pieceLength) {
        int lpp = leavesPerPiece(pieceLength);
        long pieces = (fileLength + pieceLength - 1) / pieceLength;
        if (fileLength <= 0 || layer.length != pieces * HASH_SIZE) {
            throw new IllegalArgumentException("piece layer of " + layer.length + " bytes for " + pieces + " pieces");
        }
        if (pieces == 1) {
            return Arrays.copyOf(layer, HASH_SIZE);
        }
        return root(layer, (int) pieces, (int) nextPowerOfTwo(pieces), Integer.numberOfTrailingZeros(lpp), sha256());
    }

    /**
     * The root of {@code count} hashes padded to {@code width} (a power of two ≥ count) with padding nodes of
     * {@code padDepth} (the zero hash for 0, see {@link #padHash}).
     */
    public static byte[] root(byte[] hashes, int count, int width, int padDepth, MessageDigest sha256) {
        checkPowerOfTwo(width);
        if (count < 1 || count > width || hashes.length < count * HASH_SIZE) {
            throw new IllegalArgumentException("count " + count + ", width " + width + ", " + hashes.length + " bytes");
        }
        if (padDepth < 0 || padDepth + Integer.numberOfTrailingZeros(width) >= MAX_DEPTH) {
            throw new IllegalArgumentException("pad depth " + padDepth);
        }
        byte[] work = Arrays.copyOf(hashes, count * HASH_SIZE);
        reduceInPlace(work, count, width, padDepth, sha256);
        return Arrays.copyOf(work, HASH_SIZE);
    }

    /**
     * Reduces {@code count} hashes at the start of {@code work} to their root, padded to {@code width} with pad
     * nodes of {@code padDepth}; the root ends up in {@code work[0, 32)}. {@code work} must hold at least
     * {@code count} hashes. No allocation: for hashing loops that reuse one buffer and one digest per thread.
     */
    public static void reduceInPlace(byte[] work, int count, int width, int padDepth, MessageDigest sha256) {
        int n = count;
        int level = padDepth;
        try {
            while (width > 1) {
                int pairs = (n + 1) / 2;
                for (int i = 0; i < pairs; i++) {
                    int left = 2 * i * HASH_SIZE;
                    sha256.update(work, left, HASH_SIZE);
                    if (2 * i + 1 < n) {
                        sha256.update(work, left + HASH_SIZE, HASH_SIZE);
                    } else {
                        sha256.update(PAD[level], 0, HASH_SIZE);
                    }
                    sha256.digest(work, i * HASH_SIZE, HASH_SIZE);
                }
                n = pairs;
                width >>>= 1;
                level++;
            }
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkPowerOfTwo(long n) {
        if (n < 1 || Long.bitCount(n) != 1) {
            throw new IllegalArgumentException("not a power of two: " + n);
        }
    }

    private static byte[][] padHashes() {
        byte[][] pad = new byte[MAX_DEPTH][];
        pad[0] = new byte[HASH_SIZE];
        MessageDigest md = sha256();
        for (int d = 1; d < MAX_DEPTH; d++) {
            md.update(pad[d - 1]);
            md.update(pad[d - 1]);
            pad[d] = md.digest();
        }
        return pad;
    }
}
