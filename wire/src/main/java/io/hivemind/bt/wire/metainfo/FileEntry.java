package io.hivemind.bt.wire.metainfo;

import java.util.List;

/**
 * One file of a torrent, in the torrent's order.
 *
 * <p>{@code offset} is the file's start in the torrent's <em>piece space</em>: the concatenation of all files in
 * which piece {@code i} covers {@code [i * pieceLength, (i + 1) * pieceLength)}. For v1 and hybrid torrents this
 * is the BEP 3 concatenation, pad files (BEP 47) included. For v2-only torrents every file starts on a piece
 * boundary (BEP 52), so the space has implicit gaps between files that no piece data covers.
 *
 * @param index       position in {@link InfoDictionary#files()}
 * @param path        path components below the torrent's root directory, already sanitised (never empty
 *                    components, {@code .}, {@code ..} or separators); for a single-file torrent, just the name
 * @param length      size in bytes
 * @param offset      start in the piece space (see above)
 * @param attributes  the BEP 47 {@code attr} string ("" when absent): {@code p} pad, {@code x} executable,
 *                    {@code h} hidden, {@code l} symlink
 * @param piecesRoot  BEP 52 {@code pieces root} (32 bytes), or null for v1-only torrents, pad files and empty files
 * @param symlinkPath BEP 47 {@code symlink path} components, or an empty list
 * @param mtime       BEP 47 {@code mtime} in seconds since the epoch, or -1
 */
public record FileEntry(int index, List<String> path, long length, long offset, String attributes, byte[] piecesRoot,
                        List<String> symlinkPath, long mtime) {

    public FileEntry {
        path = List.copyOf(path);
        symlinkPath = List.copyOf(symlinkPath);
        attributes = attributes == null ? "" : attributes;
        piecesRoot = piecesRoot == null ? null : piecesRoot.clone();
        if (length < 0 || offset < 0) {
            throw new IllegalArgumentException("negative length or offset: " + length + ", " + offset);
        }
    }

    /** A BEP 47 pad file: its bytes are zeros, are never written to disk and count only towards v1 hashes. */
    public boolean isPad() {
        return attributes.indexOf('p') >= 0;
    }

    public boolean isExecutable() {
        return attributes.indexOf('x') >= 0;
    }

    public boolean isHidden() {
        return attributes.indexOf('h') >= 0;
    }

    public boolean isSymlink() {
        return attributes.indexOf('l') >= 0;
    }

    /** One past the file's last byte in the piece space. */
    public long end() {
        return offset + length;
    }

    /** The path joined with '/'. */
    public String pathString() {
        return String.join("/", path);
    }

    /** The v2 pieces root (copy), or null. */
    @Override
    public byte[] piecesRoot() {
        return piecesRoot == null ? null : piecesRoot.clone();
    }

    /** Index of the first piece holding a byte of this file; meaningless for empty files. */
    public int firstPiece(long pieceLength) {
        return (int) (offset / pieceLength);
    }

    /** Index of the last piece holding a byte of this file; for an empty file, {@code firstPiece - 1}. */
    public int lastPiece(long pieceLength) {
        return (int) ((offset + length - 1) / pieceLength);
    }
}
