package io.hivemind.bt.wire.metainfo;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeEncoder;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code .torrent} file (BEP 3, BEP 52): the info dictionary, its info-hashes, trackers (BEP 12),
 * web seeds (BEP 19), v2 piece layers and the descriptive keys. Unknown keys are kept in {@link #root()}.
 * Immutable and thread-safe.
 */
public final class Metainfo {
    private final BDict root;
    private final InfoDictionary info;
    private final InfoHashes infoHashes;
    private final List<List<String>> announceTiers;
    private final List<String> urlList;
    private final String comment;
    private final String createdBy;
    private final long creationDate;
    private final Map<BBytes, byte[]> pieceLayers;

    Metainfo(BDict root, InfoDictionary info, InfoHashes infoHashes, List<List<String>> announceTiers,
             List<String> urlList, String comment, String createdBy, long creationDate, Map<BBytes, byte[]> pieceLayers) {
        this.root = root;
        this.info = info;
        this.infoHashes = infoHashes;
        this.announceTiers = announceTiers.stream().map(List::copyOf).toList();
        this.urlList = List.copyOf(urlList);
        this.comment = comment;
        this.createdBy = createdBy;
        this.creationDate = creationDate;
        this.pieceLayers = Map.copyOf(pieceLayers);
    }

    /** Parses and validates a torrent file with the default limits. */
    public static Metainfo parse(byte[] torrentFile) {
        return MetainfoParser.parse(torrentFile, MetainfoLimits.DEFAULT);
    }

    /** Parses and validates a torrent file. */
    public static Metainfo parse(byte[] torrentFile, MetainfoLimits limits) {
        return MetainfoParser.parse(torrentFile, limits);
    }

    /**
     * Parses a torrent whose v2 piece layers may be missing, in part or entirely: the form a client saves after
     * getting the info dictionary from a magnet link (BEP 9) and before it has every layer (BEP 52 hash requests).
     * Layers that are present are verified as in {@link #parse(byte[], MetainfoLimits)}; {@link #v2PieceHash}
     * returns null for pieces whose layer is missing. A {@code .torrent} file from a user goes through
     * {@link #parse}, which requires every layer (BEP 52).
     */
    public static Metainfo parseWithoutPieceLayers(byte[] torrentFile, MetainfoLimits limits) {
        return MetainfoParser.parse(torrentFile, limits, false);
    }

    /**
     * Builds a metainfo from a bare info dictionary received from peers (BEP 9), checking it against the expected
     * info-hashes ({@link MetainfoException.Reason#HASH_MISMATCH} otherwise): every hash {@code expected} has must
     * match (a magnet with only a v1 hash accepts a hybrid torrent with that v1 hash). Trackers come from the magnet
     * link and are written to {@link #root()} as {@code announce}/{@code announce-list}. v2 piece layers are not
     * part of the info dictionary, so such a metainfo has none until they are fetched (BEP 52 hash requests).
     */
    public static Metainfo fromInfoDictionary(byte[] infoBytes, InfoHashes expected, List<List<String>> trackers) {
        return MetainfoParser.fromInfoDictionary(infoBytes, expected, trackers, MetainfoLimits.DEFAULT);
    }

    /**
     * The torrent file: the canonical bencoding of {@link #root()} (unknown keys included), with the info dictionary
     * written as the exact bytes its info-hashes were computed over. {@code Metainfo.parse(m.encode())} describes
     * the same torrent with the same info-hashes, and encoding a parsed canonical file gives back the same bytes.
     */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(info.rawLength() + 1024);
        out.write('d');
        for (Map.Entry<BBytes, BValue> e : root.entries().entrySet()) {
            BencodeEncoder.encode(e.getKey(), out);
            if (e.getKey().contentEquals("info")) {
                out.writeBytes(info.rawArray());
            } else {
                BencodeEncoder.encode(e.getValue(), out);
            }
        }
        out.write('e');
        return out.toByteArray();
    }

    /** The whole decoded file, unknown keys included. */
    public BDict root() {
        return root;
    }

    public InfoDictionary info() {
        return info;
    }

    public InfoHashes infoHashes() {
        return infoHashes;
    }

    /** BEP 12 tiers; a lone {@code announce} becomes one tier of one URL. May be empty (trackerless). */
    public List<List<String>> announceTiers() {
        return announceTiers;
    }

    /** BEP 19 web seeds ({@code url-list}). */
    public List<String> urlList() {
        return urlList;
    }

    /** The {@code comment}, or null. */
    public String comment() {
        return comment;
    }

    /** The {@code created by}, or null. */
    public String createdBy() {
        return createdBy;
    }

    /** The {@code creation date} in seconds since the epoch, or -1. */
    public long creationDate() {
        return creationDate;
    }

    /**
     * The BEP 52 piece layer of the file whose {@code pieces root} is {@code piecesRoot}: the concatenated 32-byte
     * hashes of its pieces, or null when the torrent carries none for it (files of one piece or less have none).
     */
    public byte[] pieceLayer(byte[] piecesRoot) {
        byte[] layer = pieceLayers.get(BBytes.of(piecesRoot));
        return layer == null ? null : layer.clone();
    }

    /** True if the torrent carries piece layers for every v2 file longer than one piece. */
    public boolean hasAllPieceLayers() {
        if (!info.version().hasV2()) {
            return false;
        }
        for (FileEntry f : info.files()) {
            if (!f.isPad() && f.length() > info.pieceLength() && pieceLayer(f.piecesRoot()) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The 32-byte v2 hash that piece {@code piece} must verify against: the piece-layer entry for files longer
     * than one piece, the {@code pieces root} for a file of one piece or less; null when unknown (no piece layers
     * yet, as after a v2 magnet download before BEP 52 hash requests) or when the torrent has no v2 part.
     * For hybrid torrents the piece's file is found in the piece space; pad files have no v2 hash (returns null).
     */
    public byte[] v2PieceHash(int piece) {
        if (!info.version().hasV2()) {
            return null;
        }
        long start = piece * info.pieceLength();
        int fi = info.fileIndexAt(start);
        if (fi < 0) {
            return null;
        }
        FileEntry f = info.files().get(fi);
        if (f.isPad() || f.piecesRoot() == null) {
            return null;
        }
        if (f.length() <= info.pieceLength()) {
            return f.piecesRoot();
        }
        byte[] layer = pieceLayers.get(BBytes.of(f.piecesRoot()));
        if (layer == null) {
            return null;
        }
        int i = piece - f.firstPiece(info.pieceLength());
        return java.util.Arrays.copyOfRange(layer, i * 32, i * 32 + 32);
    }

    @Override
    public String toString() {
        return "Metainfo[" + info + ", " + infoHashes + "]";
    }
}
