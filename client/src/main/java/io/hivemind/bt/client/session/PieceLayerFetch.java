package io.hivemind.bt.client.session;

import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeEncoder;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.metainfo.Merkle;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.MetainfoException;
import io.hivemind.bt.wire.peer.PeerMessage;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * BEP 52 piece layers for a v2 magnet: the info dictionary (BEP 9) names each file's {@code pieces root} but not
 * the hashes of its pieces, which a pure v2 torrent needs before any piece can be verified. This asks connected
 * peers for every missing layer with {@code hash request} messages, checks each answer against the file's root,
 * and once all are in builds the complete metainfo (validated again by {@link Metainfo#parse}) and hands it to
 * the torrent as its metadata. Hybrid torrents never need this: their v1 piece hashes are in the info dictionary.
 *
 * <h2>Implementation note</h2>
 * A file of {@code P > 1} pieces has a piece layer {@code W = nextPowerOfTwo(P)} nodes wide at
 * {@code log2(pieceLength / 16 KiB)} layers above the leaves (the nodes past {@code P} are padding). It is fetched
 * in chunks of {@code min(W, 512)} hashes (BEP 52: a power of two, at most 512, the index a multiple of it), each
 * request asking for {@code log2(W) - 1} proof layers, so an answer holds the chunk followed by one uncle per layer
 * above the chunk's subtree: the chunk's root combined with its uncles must give the pieces root. A bad answer
 * closes the connection; a reject or a 10 s silence sends the chunk to another peer. At most four requests are
 * outstanding per peer.
 *
 * <p>Not thread-safe: owned by the torrent's event loop. {@code hashes} payloads stay the caller's.
 */
final class PieceLayerFetch {
    private static final System.Logger LOG = System.getLogger(PieceLayerFetch.class.getName());
    static final int MAX_CHUNK = 512;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_OUTSTANDING_PER_PEER = 4;

    /** One request's worth of one file's piece layer. */
    private static final class Chunk {
        final FileEntry file;
        final int pieces;      // P: pieces of the file
        final int width;       // W: nodes in the padded piece layer
        final int index;       // first node
        final int length;      // nodes asked for
        byte[] hashes;         // verified nodes [index, index + length)
        PeerConnection from;
        long askedAt;
        final Set<PeerConnection> refusedBy = new HashSet<>();

        Chunk(FileEntry file, int pieces, int width, int index, int length) {
            this.file = file;
            this.pieces = pieces;
            this.width = width;
            this.index = index;
            this.length = length;
        }
    }

    private final Torrent torrent;
    private final Metainfo partial;
    private final int baseLayer;
    private final List<Chunk> chunks = new ArrayList<>();
    private final MessageDigest sha256 = Merkle.sha256();
    private boolean done;

    private PieceLayerFetch(Torrent torrent, Metainfo partial) {
        this.torrent = torrent;
        this.partial = partial;
        InfoDictionary info = partial.info();
        this.baseLayer = Integer.numberOfTrailingZeros(Merkle.leavesPerPiece(info.pieceLength()));
        for (FileEntry f : info.files()) {
            if (f.isPad() || f.length() <= info.pieceLength() || partial.pieceLayer(f.piecesRoot()) != null) {
                continue;
            }
            int p = (int) ((f.length() + info.pieceLength() - 1) / info.pieceLength());
            int w = (int) Merkle.nextPowerOfTwo(p);
            int len = Math.min(w, MAX_CHUNK);
            for (int i = 0; i < p; i += len) {
                chunks.add(new Chunk(f, p, w, i, len));
            }
        }
    }

    /** True if {@code mi} is a v2-only torrent with a file whose piece layer is missing. */
    static boolean needed(Metainfo mi) {
        return !mi.info().version().hasV1() && mi.info().version().hasV2() && !mi.hasAllPieceLayers();
    }

    /** Starts fetching the layers {@code partial} lacks; requests go out from the next {@link #tick}. */
    static PieceLayerFetch start(Torrent torrent, Metainfo partial) {
        return new PieceLayerFetch(torrent, partial);
    }

    /** Chunks still missing. */
    int missing() {
        int n = 0;
        for (Chunk c : chunks) {
            if (c.hashes == null) {
                n++;
            }
        }
        return n;
    }

    /** Sends due requests; retries chunks whose peer went silent. */
    void tick(long now) {
        if (done) {
            return;
        }
        Map<PeerConnection, Integer> load = new HashMap<>();
        for (Chunk c : chunks) {
            if (c.hashes == null && c.from != null) {
                if (now - c.askedAt > TIMEOUT_NANOS) {
                    c.refusedBy.add(c.from);
                    c.from = null;
                } else {
                    load.merge(c.from, 1, Integer::sum);
                }
            }
        }
        for (Chunk c : chunks) {
            if (c.hashes != null || c.from != null) {
                continue;
            }
            PeerConnection pick = null;
            for (PeerConnection p : torrent.peers) {
                if (!c.refusedBy.contains(p) && load.getOrDefault(p, 0) < MAX_OUTSTANDING_PER_PEER) {
                    pick = p;
                    break;
                }
            }
            if (pick == null) {
                if (!torrent.peers.isEmpty() && everyoneRefused(c)) {
                    c.refusedBy.clear(); // all refused once: ask them again later
                }
                continue;
            }
            load.merge(pick, 1, Integer::sum);
            c.from = pick;
            c.askedAt = now;
            pick.send(request(c));
            pick.flush();
        }
    }

    private boolean everyoneRefused(Chunk c) {
        for (PeerConnection p : torrent.peers) {
            if (!c.refusedBy.contains(p)) {
                return false;
            }
        }
        return true;
    }

    private PeerMessage.HashRequest request(Chunk c) {
        int proofLayers = Integer.numberOfTrailingZeros(c.width) - 1;
        return new PeerMessage.HashRequest(c.file.piecesRoot(), baseLayer, c.index, c.length, proofLayers);
    }

    private Chunk chunkFor(PeerMessage.HashRequest r) {
        for (Chunk c : chunks) {
            if (c.index == r.index() && c.length == r.length() && r.baseLayer() == baseLayer
                    && Arrays.equals(c.file.piecesRoot(), r.piecesRoot())) {
                return c;
            }
        }
        return null;
    }

    /** A {@code hashes} answer; the payload stays the caller's. */
    void onHashes(PeerConnection p, PeerMessage.Hashes h) {
        Chunk c = chunkFor(h.request());
        if (done || c == null || c.hashes != null || c.from != p) {
            return; // unsolicited or late: ignore
        }
        c.from = null;
        byte[] got = new byte[Math.min(h.payload().readableBytes(), (c.length + 32) * Merkle.HASH_SIZE)];
        h.payload().getBytes(h.payload().readerIndex(), got);
        if (got.length != h.payload().readableBytes()
                || !verifies(c.file.piecesRoot(), c.index, c.length, c.width, got, sha256)) {
            LOG.log(System.Logger.Level.DEBUG, "bad piece-layer hashes from {0} for {1}", p.address(), h.request());
            c.refusedBy.add(p);
            p.close(DisconnectReason.PROTOCOL_ERROR);
            return;
        }
        c.hashes = Arrays.copyOf(got, c.length * Merkle.HASH_SIZE);
        if (missing() == 0) {
            finish();
        } else {
            tick(torrent.session.now());
        }
    }

    /**
     * True if {@code got} (a chunk of {@code length} piece-layer hashes starting at {@code index}, then its uncles
     * from the lowest layer up) leads to {@code piecesRoot}: the chunk's subtree root combined with each uncle.
     */
    static boolean verifies(byte[] piecesRoot, int index, int length, int width, byte[] got, MessageDigest sha256) {
        int uncles = Integer.numberOfTrailingZeros(width) - Integer.numberOfTrailingZeros(length);
        if (uncles < 0 || got.length != (length + uncles) * Merkle.HASH_SIZE || index % length != 0) {
            return false;
        }
        byte[] node = Merkle.root(got, length, length, 0, sha256);
        int pos = index / length;
        for (int u = 0; u < uncles; u++) {
            int at = (length + u) * Merkle.HASH_SIZE;
            if ((pos & 1) == 0) {
                sha256.update(node);
                sha256.update(got, at, Merkle.HASH_SIZE);
            } else {
                sha256.update(got, at, Merkle.HASH_SIZE);
                sha256.update(node);
            }
            node = sha256.digest();
            pos >>= 1;
        }
        return MessageDigest.isEqual(node, piecesRoot);
    }

    /** A {@code hash reject}: ask someone else. */
    void onReject(PeerConnection p, PeerMessage.HashReject r) {
        Chunk c = chunkFor(r.request());
        if (c != null && c.from == p) {
            c.from = null;
            c.refusedBy.add(p);
        }
    }

    void peerGone(PeerConnection p) {
        for (Chunk c : chunks) {
            c.refusedBy.remove(p);
            if (c.from == p) {
                c.from = null;
            }
        }
    }

    /** Every layer is in: the whole torrent, parsed and checked like a .torrent file, becomes the metadata. */
    private void finish() {
        Map<FileEntry, byte[]> layers = new HashMap<>();
        for (Chunk c : chunks) {
            layers.computeIfAbsent(c.file, f -> new byte[c.pieces * Merkle.HASH_SIZE]);
            byte[] layer = layers.get(c.file);
            int n = Math.min(c.length, c.pieces - c.index);
            System.arraycopy(c.hashes, 0, layer, c.index * Merkle.HASH_SIZE, n * Merkle.HASH_SIZE);
        }
        BDict.Builder pieceLayers = BDict.builder();
        for (Map.Entry<FileEntry, byte[]> e : layers.entrySet()) {
            pieceLayers.put(BBytes.of(e.getKey().piecesRoot()), BBytes.of(e.getValue()));
        }
        SortedMap<BBytes, BValue> root = new TreeMap<>(partial.root().entries());
        root.put(BBytes.of("piece layers"), pieceLayers.build());
        ByteArrayOutputStream out = new ByteArrayOutputStream(partial.info().rawLength() + 64 * layers.size());
        out.write('d');
        for (Map.Entry<BBytes, BValue> e : root.entrySet()) {
            BencodeEncoder.encode(e.getKey(), out);
            if (e.getKey().contentEquals("info")) {
                out.writeBytes(partial.info().raw());
            } else {
                BencodeEncoder.encode(e.getValue(), out);
            }
        }
        out.write('e');
        Metainfo full;
        try {
            full = Metainfo.parse(out.toByteArray());
        } catch (MetainfoException e) {
            LOG.log(System.Logger.Level.WARNING, "piece layers of {0} do not make a valid torrent: {1}",
                    partial.info().name(), e.getMessage());
            for (Chunk c : chunks) {
                c.hashes = null;
            }
            return;
        }
        if (!Arrays.equals(full.infoHashes().v2(), partial.infoHashes().v2())) {
            throw new IllegalStateException("info-hash changed while adding piece layers");
        }
        done = true;
        torrent.layersArrived(full);
    }
}
