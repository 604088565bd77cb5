package io.hivemind.bt.storage.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * BEP 52 merkle roots over 16 KiB leaves: SHA-256, branching factor 2, leaves past the end of the data set to 32 zero
 * bytes (so a padding subtree of height {@code h} hashes to {@code H(pad(h-1) || pad(h-1))}).
 *
 * <p>Package-private on purpose: the shared BEP 52 utility in {@code wire} will replace it. Not thread-safe per
 * instance of {@link MessageDigest} passed in.
 */
final class Merkle {
    static final int LEAF = 16 * 1024;
    static final int HASH = 32;
    private static final int MAX_HEIGHT = 64;
    private static final byte[][] PAD = new byte[MAX_HEIGHT][];

    static {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            PAD[0] = new byte[HASH];
            for (int i = 1; i < MAX_HEIGHT; i++) {
                sha.update(PAD[i - 1]);
                sha.update(PAD[i - 1]);
                PAD[i] = sha.digest();
            }
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Merkle() {
    }

    /** The smallest power of two ≥ {@code n} (1 for n ≤ 1). */
    static int nextPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** The root of a padding subtree with {@code leaves} leaves (a power of two). */
    static byte[] padRoot(int leaves) {
        return PAD[Integer.numberOfTrailingZeros(leaves)].clone();
    }

    /**
     * The root of the tree whose first {@code count} leaves are {@code leaves[0..count)} and whose remaining
     * {@code width - count} leaves are zero.
     *
     * @param width a power of two ≥ {@code count}
     */
    static byte[] root(MessageDigest sha256, byte[][] leaves, int count, int width) {
        if (width < 1 || Integer.bitCount(width) != 1 || count > width || count < 0) {
            throw new IllegalArgumentException("count " + count + ", width " + width);
        }
        if (count == 0) {
            return padRoot(width);
        }
        byte[][] level = new byte[count][];
        System.arraycopy(leaves, 0, level, 0, count);
        int n = count;
        int height = 0;
        while (width > 1) {
            int m = (n + 1) / 2;
            for (int i = 0; i < m; i++) {
                byte[] left = level[2 * i];
                byte[] right = 2 * i + 1 < n ? level[2 * i + 1] : PAD[height];
                sha256.update(left);
                sha256.update(right);
                level[i] = sha256.digest();
            }
            n = m;
            width >>>= 1;
            height++;
        }
        return level[0];
    }
}
