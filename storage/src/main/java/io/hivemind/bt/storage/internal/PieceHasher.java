package io.hivemind.bt.storage.internal;

import io.hivemind.bt.storage.PieceHashes;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Verifies one piece at a time from its bytes fed in order, in chunks of any size: SHA-1 over the whole piece (v1,
 * pad bytes included) and, where the piece's v2 hash is known, SHA-256 leaves over each 16 KiB of the file data it
 * holds, folded into the merkle root of the piece's subtree (BEP 52).
 *
 * <p>v2 geometry: the piece belongs to the file that starts it (in a hybrid torrent pad files align every file to a
 * piece boundary; in a v2 torrent pieces never span files). Its data is
 * {@code min(pieceSize, fileEnd - pieceStart)} bytes. For a file longer than one piece the subtree has
 * {@code pieceLength / 16 KiB} leaves and its root is the piece layer entry; for a file of one piece or less it has
 * the next power of two of the file's block count, and its root is the {@code pieces root}.
 *
 * <p>Not thread-safe: one instance per in-flight piece or per recheck worker; reusable through {@link #begin}.
 */
public final class PieceHasher {
    private static final int LEAF = Merkle.LEAF;

    private final InfoDictionary info;
    private final PieceHashes hashes;
    private final MessageDigest sha1;
    private final MessageDigest sha256;
    private final byte[] digestOut = new byte[20];
    private byte[][] leaves = new byte[0][];
    private int piece = -1;
    private int size;
    private long fed;
    private byte[] v2Expected;
    private int dataLength;
    private int leafWidth;
    private int leafCount;
    private int leafFill;
    private boolean v1Ok;
    private boolean v2Ok;

    public PieceHasher(InfoDictionary info, PieceHashes hashes) {
        this.info = info;
        this.hashes = hashes;
        try {
            this.sha1 = hashes.hasV1() ? MessageDigest.getInstance("SHA-1") : null;
            this.sha256 = hashes.hasV2() ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts verifying {@code piece}. */
    public void begin(int piece) {
        this.piece = piece;
        this.size = info.pieceSize(piece);
        this.fed = 0;
        this.v1Ok = false;
        this.v2Ok = false;
        this.leafCount = 0;
        this.leafFill = 0;
        if (sha1 != null) {
            sha1.reset();
        }
        v2Expected = hashes.hasV2() ? hashes.v2Hash(piece) : null;
        if (v2Expected != null) {
            sha256.reset();
            long pl = info.pieceLength();
            long start = piece * pl;
            int fi = info.fileIndexAt(start);
            FileEntry f = fi >= 0 ? info.files().get(fi) : null;
            if (f == null || f.isPad()) {
                v2Expected = null; // no v2 data in this piece (cannot happen in a valid torrent)
            } else {
                dataLength = (int) Math.min(size, f.end() - start);
                int blocks = (dataLength + LEAF - 1) / LEAF;
                leafWidth = f.length() > pl ? (int) (pl / LEAF)
                        : Merkle.nextPowerOfTwo((int) ((f.length() + LEAF - 1) / LEAF));
                if (leaves.length < blocks) {
                    leaves = new byte[blocks][];
                }
            }
        }
    }

    public int piece() {
        return piece;
    }

    /** Bytes fed so far. */
    public long fed() {
        return fed;
    }

    /** Feeds the next {@code data.remaining()} bytes of the piece; consumes {@code data}. */
    public void update(ByteBuffer data) {
        int n = data.remaining();
        if (fed + n > size) {
            throw new IllegalArgumentException("piece " + piece + " has " + size + " bytes, fed " + (fed + n));
        }
        if (v2Expected == null) {
            if (sha1 != null) {
                sha1.update(data);
            }
            fed += n;
            return;
        }
        int start = data.position();
        if (sha1 != null) {
            ByteBuffer dup = data.duplicate();
            sha1.update(dup);
        }
        // leaves over [0, dataLength)
        int pos = start;
        int end = start + n;
        long at = fed;
        while (pos < end && at < dataLength) {
            int inLeaf = (int) (at % LEAF);
            int take = (int) Math.min(Math.min(end - pos, LEAF - inLeaf), dataLength - at);
            sha256.update(data.slice(pos, take));
            pos += take;
            at += take;
            leafFill += take;
            if (leafFill == LEAF || at == dataLength) {
                leaves[leafCount++] = sha256.digest();
                leafFill = 0;
            }
        }
        fed += n;
        data.position(end);
    }

    /** Feeds {@code len} bytes of {@code a} at {@code off}. */
    public void update(byte[] a, int off, int len) {
        update(ByteBuffer.wrap(a, off, len));
    }

    /**
     * Finishes the piece: true when every known hash matched (and at least one was known). Call after exactly
     * {@code pieceSize} bytes.
     */
    public boolean finish() {
        if (fed != size) {
            throw new IllegalStateException("piece " + piece + ": fed " + fed + " of " + size + " bytes");
        }
        boolean checked = false;
        boolean ok = true;
        if (sha1 != null) {
            try {
                sha1.digest(digestOut, 0, 20);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            v1Ok = hashes.v1Equals(piece, digestOut, 0);
            ok = v1Ok;
            checked = true;
        }
        if (v2Expected != null) {
            byte[] root = Merkle.root(sha256, leaves, leafCount, leafWidth);
            v2Ok = MessageDigest.isEqual(root, v2Expected);
            ok &= v2Ok;
            checked = true;
        }
        return checked && ok;
    }

    /** After {@link #finish()}: whether the v1 hash was checked and failed. */
    public boolean v1Failed() {
        return sha1 != null && !v1Ok;
    }

    /** After {@link #finish()}: whether a v2 hash was checked and failed. */
    public boolean v2Failed() {
        return v2Expected != null && !v2Ok;
    }
}
