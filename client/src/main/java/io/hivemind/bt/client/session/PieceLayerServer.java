package io.hivemind.bt.client.session;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.metainfo.Merkle;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.peer.PeerMessage;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers BEP 52 {@code hash request}s for piece layers, so that peers downloading a v2 magnet from us (hivebt's
 * {@link PieceLayerFetch}, libtorrent) can verify pieces. Only the piece layer is served (BEP 52 requires the
 * leaf and piece layers; leaf hashes would mean reading and hashing file data on request): other layers, unknown
 * roots, malformed requests and chunks longer than {@value PieceLayerFetch#MAX_CHUNK} get a {@code hash reject}.
 *
 * <h2>Implementation note</h2>
 * The tree above a file's piece layer (padded to a power of two with pad hashes) is built once per file on the
 * first request and kept: {@code 2W} hashes for a layer {@code W} wide, so later requests cost a copy, whatever
 * proofs they ask for. An answer holds the requested hashes, then, for each requested proof layer above the
 * chunk's own subtree, the sibling of the chunk's ancestor, lowest first (BEP 52 "hashes"). Trees are kept for at
 * most {@value #MAX_TREES} files.
 *
 * <p>Not thread-safe: owned by the torrent's event loop.
 */
final class PieceLayerServer {
    static final int MAX_TREES = 64;

    private final Map<BBytes, byte[][]> trees = new HashMap<>();
    private final MessageDigest sha256 = Merkle.sha256();

    /** The hashes answering {@code r} for {@code mi}, or null to reject it. */
    byte[] answer(Metainfo mi, PeerMessage.HashRequest r) {
        if (mi == null || !mi.info().version().hasV2() || !r.isWellFormed() || r.length() > PieceLayerFetch.MAX_CHUNK) {
            return null;
        }
        InfoDictionary info = mi.info();
        int base = Integer.numberOfTrailingZeros(Merkle.leavesPerPiece(info.pieceLength()));
        if (r.baseLayer() != base) {
            return null;
        }
        byte[][] levels = tree(mi, r.piecesRoot());
        if (levels == null) {
            return null;
        }
        int width = levels[0].length / Merkle.HASH_SIZE;
        if ((long) r.index() + r.length() > width) {
            return null;
        }
        int chunkLevel = Integer.numberOfTrailingZeros(r.length());
        int top = Math.min(r.proofLayers(), levels.length - 2); // the root has no sibling
        int uncles = Math.max(0, top - chunkLevel + 1);
        byte[] out = new byte[(r.length() + uncles) * Merkle.HASH_SIZE];
        System.arraycopy(levels[0], r.index() * Merkle.HASH_SIZE, out, 0, r.length() * Merkle.HASH_SIZE);
        int pos = r.index() >> chunkLevel;
        for (int u = 0; u < uncles; u++) {
            int level = chunkLevel + u;
            int sibling = pos ^ 1;
            System.arraycopy(levels[level], sibling * Merkle.HASH_SIZE, out, (r.length() + u) * Merkle.HASH_SIZE,
                    Merkle.HASH_SIZE);
            pos >>= 1;
        }
        return out;
    }

    /** Levels from the padded piece layer ({@code [0]}) up to the root, or null if the file has no piece layer. */
    private byte[][] tree(Metainfo mi, byte[] piecesRoot) {
        BBytes key = BBytes.of(piecesRoot);
        byte[][] t = trees.get(key);
        if (t != null) {
            return t;
        }
        byte[] layer = mi.pieceLayer(piecesRoot);
        if (layer == null) {
            return null;
        }
        FileEntry file = null;
        for (FileEntry f : mi.info().files()) {
            if (!f.isPad() && f.piecesRoot() != null && Arrays.equals(f.piecesRoot(), piecesRoot)) {
                file = f;
                break;
            }
        }
        if (file == null) {
            return null;
        }
        int pad = Integer.numberOfTrailingZeros(Merkle.leavesPerPiece(mi.info().pieceLength()));
        int count = layer.length / Merkle.HASH_SIZE;
        int width = (int) Merkle.nextPowerOfTwo(count);
        int height = Integer.numberOfTrailingZeros(width);
        t = new byte[height + 1][];
        t[0] = Arrays.copyOf(layer, width * Merkle.HASH_SIZE);
        byte[] padHash = Merkle.padHash(pad);
        for (int i = count; i < width; i++) {
            System.arraycopy(padHash, 0, t[0], i * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
        }
        for (int level = 1; level <= height; level++) {
            int n = width >> level;
            t[level] = new byte[n * Merkle.HASH_SIZE];
            byte[] below = t[level - 1];
            for (int i = 0; i < n; i++) {
                sha256.update(below, 2 * i * Merkle.HASH_SIZE, 2 * Merkle.HASH_SIZE);
                try {
                    sha256.digest(t[level], i * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
                } catch (java.security.DigestException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (!Arrays.equals(Arrays.copyOf(t[height], Merkle.HASH_SIZE), piecesRoot)) {
            return null; // cannot happen for a parsed torrent: its layers were checked against the roots
        }
        if (trees.size() >= MAX_TREES) {
            trees.clear();
        }
        trees.put(key, t);
        return t;
    }
}
