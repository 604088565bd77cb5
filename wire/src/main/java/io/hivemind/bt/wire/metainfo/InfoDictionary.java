package io.hivemind.bt.wire.metainfo;

import io.hivemind.bt.wire.bencode.BDict;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code info} dictionary of a torrent: name, piece length, files and piece hashes (BEP 3, BEP 52).
 * Produced by {@link Metainfo#parse} or by torrent creation. Immutable and thread-safe.
 *
 * <p>Pieces are numbered in the piece space described in {@link FileEntry}: piece {@code i} starts at
 * {@code i * pieceLength()}. {@link #pieceSize(int)} gives the number of bytes a peer sends for a piece: for v1 and
 * hybrid torrents every piece but the last is full; for v2-only torrents the last piece of every file is cut at the
 * file's end.
 */
public final class InfoDictionary {
    private final String name;
    private final long pieceLength;
    private final List<FileEntry> files;
    private final boolean singleFile;
    private final TorrentVersion version;
    private final boolean isPrivate;
    private final String source;
    private final byte[] v1Pieces;
    private final BDict dict;
    private final byte[] raw;
    private final long pieceSpaceLength;
    private final long totalLength;
    private final int pieceCount;
    /** For v2-only torrents: index of the file holding each piece; null otherwise. */
    private final int[] pieceFile;

    InfoDictionary(String name, long pieceLength, List<FileEntry> files, boolean singleFile, TorrentVersion version,
                   boolean isPrivate, String source, byte[] v1Pieces, BDict dict, byte[] raw) {
        this.name = name;
        this.pieceLength = pieceLength;
        this.files = List.copyOf(files);
        this.singleFile = singleFile;
        this.version = version;
        this.isPrivate = isPrivate;
        this.source = source;
        this.v1Pieces = v1Pieces;
        this.dict = dict;
        this.raw = raw;
        long end = 0;
        long total = 0;
        for (FileEntry f : this.files) {
            end = Math.max(end, f.end());
            if (!f.isPad()) {
                total += f.length();
            }
        }
        this.pieceSpaceLength = end;
        this.totalLength = total;
        this.pieceCount = (int) ((end + pieceLength - 1) / pieceLength);
        if (version == TorrentVersion.V2) {
            pieceFile = new int[pieceCount];
            Arrays.fill(pieceFile, -1);
            for (FileEntry f : this.files) {
                if (f.length() > 0) {
                    for (int p = f.firstPiece(pieceLength); p <= f.lastPiece(pieceLength); p++) {
                        pieceFile[p] = f.index();
                    }
                }
            }
        } else {
            pieceFile = null;
        }
    }

    /**
     * The suggested name of the file (single-file) or root directory (multi-file), sanitised. For a v2-only
     * single-file torrent it is the file's name from the file tree, as libtorrent names it (BEP 52 calls the
     * {@code name} key advisory).
     */
    public String name() {
        return name;
    }

    /** Bytes per piece (a power of two ≥ 16 KiB for v2). */
    public long pieceLength() {
        return pieceLength;
    }

    /** All files in torrent order, pad files included (see {@link FileEntry#isPad()}). */
    public List<FileEntry> files() {
        return files;
    }

    /** True for a BEP 3 single-file torrent (no {@code files} list / a file tree with one file at the root). */
    public boolean isSingleFile() {
        return singleFile;
    }

    public TorrentVersion version() {
        return version;
    }

    /** BEP 27: the torrent may only use its trackers (no DHT, PEX or LSD). */
    public boolean isPrivate() {
        return isPrivate;
    }

    /** The {@code source} key (used by private trackers to make info-hashes unique), or null. */
    public String source() {
        return source;
    }

    /** Sum of the lengths of all non-pad files: the user's data. */
    public long totalLength() {
        return totalLength;
    }

    /** Length of the piece space (pad files and v2 alignment gaps included up to the end of the last file). */
    public long pieceSpaceLength() {
        return pieceSpaceLength;
    }

    public int pieceCount() {
        return pieceCount;
    }

    /** Bytes of piece {@code piece} as sent on the wire and hashed by v1 (see the class comment for v2). */
    public int pieceSize(int piece) {
        if (piece < 0 || piece >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
        long start = piece * pieceLength;
        long end = start + pieceLength;
        if (pieceFile != null) {
            int f = pieceFile[piece];
            if (f >= 0) {
                end = Math.min(end, files.get(f).end());
            }
        }
        return (int) (Math.min(end, pieceSpaceLength) - start);
    }

    /** For v2-only torrents, the index of the file holding {@code piece} (pieces never span files in v2); else -1. */
    public int pieceFileIndex(int piece) {
        return pieceFile == null ? -1 : pieceFile[piece];
    }

    /** The 20-byte SHA-1 of piece {@code piece} (v1 and hybrid torrents). */
    public byte[] v1PieceHash(int piece) {
        if (v1Pieces == null) {
            throw new IllegalStateException("torrent has no v1 piece hashes");
        }
        return Arrays.copyOfRange(v1Pieces, piece * 20, piece * 20 + 20);
    }

    /** Compares {@code sha1} (20 bytes at {@code offset}) with the v1 hash of {@code piece} without copying. */
    public boolean v1PieceHashEquals(int piece, byte[] sha1, int offset) {
        if (v1Pieces == null) {
            throw new IllegalStateException("torrent has no v1 piece hashes");
        }
        return Arrays.equals(v1Pieces, piece * 20, piece * 20 + 20, sha1, offset, offset + 20);
    }

    /** Index of the file containing the byte at {@code offset} of the piece space, skipping empty files; -1 in a gap. */
    public int fileIndexAt(long offset) {
        int lo = 0;
        int hi = files.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (files.get(mid).offset() <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        while (found >= 0 && files.get(found).length() == 0) {
            found--;
        }
        if (found < 0 || offset >= files.get(found).end()) {
            return -1;
        }
        return found;
    }

    /** The decoded dictionary (unknown keys kept). */
    public BDict dict() {
        return dict;
    }

    /** A copy of the exact bytes the info-hashes were computed over. */
    public byte[] raw() {
        return raw.clone();
    }

    /** The raw bytes without copying, for this package's writers; never modified. */
    byte[] rawArray() {
        return raw;
    }

    /** Size of {@link #raw()} in bytes (the BEP 9 {@code metadata_size}). */
    public int rawLength() {
        return raw.length;
    }

    @Override
    public String toString() {
        return "InfoDictionary[" + name + ", " + version + ", " + files.size() + " files, " + totalLength + " bytes, "
                + pieceCount + " x " + pieceLength + "]";
    }
}
