package io.hivemind.bt.wire.create;

import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.util.Arrays;
import java.util.List;

/**
 * Where each file of a torrent being created lies in the piece space, and which pad files the v1 list needs.
 *
 * <ul>
 *   <li>v1: files back to back (BEP 3).</li>
 *   <li>v2: every file starts on a piece boundary; the gaps are not data (BEP 52).</li>
 *   <li>hybrid: files back to back with BEP 47 pad files, laid out as libtorrent 2.0 does so that both info-hashes
 *       equal libtorrent's: in a torrent of two or more files, every non-empty file whose end is not on a piece
 *       boundary is followed by a pad file up to the boundary, the last file included; a torrent of one file has
 *       no pad.</li>
 * </ul>
 * Immutable.
 */
final class Layout {
    final TorrentVersion version;
    final long pieceLength;
    final List<SourceFile> files;
    /** Start of each file in the piece space. */
    final long[] offsets;
    /** Length of the pad file after each file (hybrid only), 0 for none. */
    final long[] padAfter;
    /** End of the piece space: the v1 data including pads (v1, hybrid), the end of the last file's data (v2). */
    final long spaceEnd;
    final int pieceCount;
    /** For v2 and hybrid: the file each piece belongs to. */
    final int[] pieceFile;
    /** Sum of the files' lengths. */
    final long dataLength;

    Layout(TorrentVersion version, long pieceLength, List<SourceFile> files, int maxPieces) {
        this.version = version;
        this.pieceLength = pieceLength;
        this.files = List.copyOf(files);
        int n = files.size();
        offsets = new long[n];
        padAfter = new long[n];
        long pos = 0;
        long end = 0;
        long data = 0;
        for (int i = 0; i < n; i++) {
            SourceFile f = files.get(i);
            data = Math.addExact(data, f.length());
            if (version == TorrentVersion.V2) {
                pos = Math.ceilDiv(pos, pieceLength) * pieceLength;
                offsets[i] = pos;
                pos += f.length();
                if (f.length() > 0) {
                    end = pos;
                }
            } else {
                offsets[i] = pos;
                pos = Math.addExact(pos, f.length());
                if (version == TorrentVersion.HYBRID && n > 1 && f.length() > 0 && pos % pieceLength != 0) {
                    padAfter[i] = pieceLength - pos % pieceLength;
                    pos += padAfter[i];
                }
                end = pos;
            }
        }
        dataLength = data;
        spaceEnd = end;
        long pieces = Math.ceilDiv(end, pieceLength);
        if (pieces > maxPieces) {
            throw new IllegalArgumentException(pieces + " pieces of " + pieceLength
                    + " bytes: more than the limit of " + maxPieces + "; choose a larger piece size");
        }
        pieceCount = (int) pieces;
        if (version.hasV2()) {
            pieceFile = new int[pieceCount];
            Arrays.fill(pieceFile, -1);
            for (int i = 0; i < n; i++) {
                long len = files.get(i).length();
                if (len > 0) {
                    int first = (int) (offsets[i] / pieceLength);
                    int last = (int) ((offsets[i] + len - 1) / pieceLength);
                    Arrays.fill(pieceFile, first, last + 1, i);
                }
            }
        } else {
            pieceFile = null;
        }
    }

    int firstPiece(int file) {
        return (int) (offsets[file] / pieceLength);
    }

    int filePieces(int file) {
        return (int) Math.ceilDiv(files.get(file).length(), pieceLength);
    }
}
