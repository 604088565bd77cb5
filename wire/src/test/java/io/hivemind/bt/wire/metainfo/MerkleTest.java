package io.hivemind.bt.wire.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BEP 52 merkle trees ("pieces root", "piece layers"), checked against a naive reference that builds the whole tree
 * from zero-padded leaves. (Conformance with libtorrent's roots is checked end to end by the creation tests.)
 */
class MerkleTest {

    /** The textbook definition: leaves padded with zero hashes to a power of two, pairs hashed up to the root. */
    private static byte[] naiveRoot(byte[][] leaves) {
        int width = 1;
        while (width < leaves.length) {
            width <<= 1;
        }
        byte[][] layer = Arrays.copyOf(leaves, width);
        for (int i = leaves.length; i < width; i++) {
            layer[i] = new byte[32];
        }
        while (layer.length > 1) {
            byte[][] up = new byte[layer.length / 2][];
            for (int i = 0; i < up.length; i++) {
                MessageDigest md = Merkle.sha256();
                md.update(layer[2 * i]);
                md.update(layer[2 * i + 1]);
                up[i] = md.digest();
            }
            layer = up;
        }
        return layer[0];
    }

    private static byte[][] leavesOf(byte[] data) {
        int n = (int) Merkle.blockCount(data.length);
        byte[][] leaves = new byte[n][];
        for (int i = 0; i < n; i++) {
            int off = i * Merkle.BLOCK_SIZE;
            leaves[i] = Merkle.leafHash(data, off, Math.min(Merkle.BLOCK_SIZE, data.length - off));
        }
        return leaves;
    }

    private static byte[] concat(byte[][] hashes, int from, int to) {
        byte[] out = new byte[(to - from) * 32];
        for (int i = from; i < to; i++) {
            System.arraycopy(hashes[i], 0, out, (i - from) * 32, 32);
        }
        return out;
    }

    @Test
    void padHashesAreRootsOfZeroLeaves() {
        assertArrayEquals(new byte[32], Merkle.padHash(0));
        for (int d = 1; d < 6; d++) {
            byte[][] zeros = new byte[1 << d][];
            Arrays.fill(zeros, new byte[32]);
            assertArrayEquals(naiveRoot(zeros), Merkle.padHash(d), "depth " + d);
        }
    }

    @Test
    void aFileOfOneBlockHasItsLeafAsRoot() {
        byte[] data = new byte[1000];
        new Random(1).nextBytes(data);
        assertArrayEquals(Merkle.leafHash(data, 0, data.length), Merkle.rootFromLeaves(Merkle.leafHashes(data, 0, 1000), 1));
    }

    /**
     * For any file length and piece length: the root from all leaves, the root from the piece layer and the naive
     * root agree (BEP 52: the tree is the leaf layer padded with zero hashes, whichever layer it is built from), and
     * each piece hash is the naive root of that piece's leaves padded to a full piece.
     */
    @Test
    void allWaysToTheRootAgree() {
        qt().withExamples(150).forAll(integers().between(1, 70 * Merkle.BLOCK_SIZE), integers().between(0, 4))
                .checkAssert((length, log2Leaves) -> {
                    long pieceLength = (long) Merkle.BLOCK_SIZE << log2Leaves;
                    byte[] data = new byte[length];
                    new Random(length).nextBytes(data);
                    byte[][] leaves = leavesOf(data);
                    byte[] all = concat(leaves, 0, leaves.length);
                    byte[] root = naiveRoot(leaves);
                    assertArrayEquals(root, Merkle.rootFromLeaves(all, leaves.length));
                    int lpp = Merkle.leavesPerPiece(pieceLength);
                    byte[] layer = Merkle.pieceLayer(all, leaves.length, lpp);
                    assertEquals(Math.ceilDiv(length, pieceLength) * 32, layer.length);
                    if (length > pieceLength) {
                        assertArrayEquals(root, Merkle.rootFromPieceLayer(layer, length, pieceLength));
                    }
                    for (int p = 0; p * lpp < leaves.length; p++) {
                        int n = Math.min(lpp, leaves.length - p * lpp);
                        byte[][] pieceLeaves = Arrays.copyOf(Arrays.copyOfRange(leaves, p * lpp, p * lpp + n), lpp);
                        for (int i = n; i < lpp; i++) {
                            pieceLeaves[i] = new byte[32];
                        }
                        byte[] expected = naiveRoot(pieceLeaves);
                        assertArrayEquals(expected, Merkle.pieceRoot(concat(leaves, p * lpp, p * lpp + n), n, lpp));
                        assertArrayEquals(expected, Arrays.copyOfRange(layer, p * 32, p * 32 + 32));
                    }
                });
    }

    @Test
    void reduceInPlaceMatchesRoot() {
        byte[] hashes = new byte[5 * 32];
        new Random(5).nextBytes(hashes);
        byte[] work = hashes.clone();
        Merkle.reduceInPlace(work, 5, 8, 2, Merkle.sha256());
        assertArrayEquals(Merkle.root(hashes, 5, 8, 2, Merkle.sha256()), Arrays.copyOf(work, 32));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Merkle.leavesPerPiece(1000));
        assertThrows(IllegalArgumentException.class, () -> Merkle.leavesPerPiece(8192));
        assertThrows(IllegalArgumentException.class, () -> Merkle.pieceRoot(new byte[64], 3, 2));
        assertThrows(IllegalArgumentException.class, () -> Merkle.pieceRoot(new byte[64], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Merkle.rootFromLeaves(new byte[0], 0));
        assertThrows(IllegalArgumentException.class, () -> Merkle.rootFromPieceLayer(new byte[32], 40_000, 16_384));
        assertThrows(IllegalArgumentException.class, () -> Merkle.leafHash(new byte[20_000], 0, 20_000));
        assertThrows(IllegalArgumentException.class, () -> Merkle.padHash(64));
    }
}
