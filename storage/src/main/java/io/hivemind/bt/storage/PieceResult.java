package io.hivemind.bt.storage;

import java.util.Arrays;

/**
 * How an in-flight piece ended: verified and written, failed its hash, failed to be written, or abandoned.
 * Delivered on the torrent's callback executor by {@link PieceBuffer#result()}. Arrays are the receiver's to keep.
 */
public sealed interface PieceResult {

    int piece();

    /**
     * The piece matched its hash(es) and is on disk (in the page cache; {@link TorrentStorage#flush} makes it
     * durable). Mark it, send HAVE.
     *
     * @param blockHashes SHA-1 of each 16 KiB block as received when {@link TorrentStorage#begin(int, boolean)} asked
     *                    for them (to compare with an earlier failed attempt: smart ban), else null
     */
    record Verified(int piece, byte[][] blockHashes) implements PieceResult {
    }

    /**
     * The piece did not match: nothing was written. Return it to the picker.
     *
     * @param blockPeers  the peer id that sent each block
     * @param blockHashes SHA-1 of each block as received, to find the liar when the piece later verifies
     * @param v1Mismatch  the SHA-1 was checked and differed
     * @param v2Mismatch  the merkle root was checked and differed
     */
    record HashFailed(int piece, int[] blockPeers, byte[][] blockHashes, boolean v1Mismatch, boolean v2Mismatch)
            implements PieceResult {

        /** The distinct peers that sent blocks of this piece, in ascending order. */
        public int[] peers() {
            return Arrays.stream(blockPeers).distinct().sorted().toArray();
        }

        @Override
        public String toString() {
            return "HashFailed[piece " + piece + ", peers " + Arrays.toString(peers()) + ", v1 " + v1Mismatch
                    + ", v2 " + v2Mismatch + "]";
        }
    }

    /**
     * The piece verified but could not be written ({@link StorageException#kind()} says why: disk full, read-only
     * target...). It is not on disk; nothing already verified was touched. The torrent should turn upload-only
     * ({@link TorrentStorage#state()}).
     */
    record IoFailed(int piece, StorageException error) implements PieceResult {
    }

    /** The caller abandoned the piece (or closed the torrent) before it completed. */
    record Abandoned(int piece) implements PieceResult {
    }
}
