package io.hivemind.bt.client.core.picker;

/**
 * Derives piece priorities for {@link PiecePicker#setPriorities} from file priorities.
 *
 * <p>Files are given as byte ranges of the torrent's piece space (for v1, files laid end to end; for v2 and
 * hybrid torrents, including the padding that aligns each file to a piece, i.e. the offsets the session already
 * uses to map blocks to files). A piece shared by several files gets the highest of their priorities, so a
 * wanted file is never missing the boundary piece it shares with a skipped neighbour. Zero-length files own no
 * piece.
 *
 * <p>Stateless and thread-safe.
 */
public final class PiecePriorities {
    private PiecePriorities() {
    }

    /**
     * Piece priorities from file priorities (each 0 to 7).
     *
     * @param fileOffset start of each file in the piece space
     * @param fileLength length of each file
     * @param filePriority priority of each file
     */
    public static byte[] fromFiles(BlockLayout layout, long[] fileOffset, long[] fileLength, int[] filePriority) {
        checkFiles(layout, fileOffset, fileLength, filePriority);
        byte[] out = new byte[layout.pieceCount()];
        for (int f = 0; f < fileOffset.length; f++) {
            if (fileLength[f] == 0 || filePriority[f] == 0) {
                continue;
            }
            int first = layout.pieceAt(fileOffset[f]);
            int last = layout.pieceAt(fileOffset[f] + fileLength[f] - 1);
            byte pr = (byte) filePriority[f];
            for (int p = first; p <= last; p++) {
                if (out[p] < pr) {
                    out[p] = pr;
                }
            }
        }
        return out;
    }

    /**
     * Streaming aid: raises the first {@code count} and last {@code count} pieces of every wanted file to
     * {@link PiecePicker#PRIORITY_TOP}, so players can read headers and trailers (indexes, moov atoms) first.
     * Combine with {@link PiecePicker#setSequential(boolean)} for in-order downloading of the rest.
     */
    public static void firstAndLastPiecesFirst(byte[] piecePriorities, BlockLayout layout, long[] fileOffset,
            long[] fileLength, int[] filePriority, int count) {
        checkFiles(layout, fileOffset, fileLength, filePriority);
        if (piecePriorities.length != layout.pieceCount()) {
            throw new IllegalArgumentException(piecePriorities.length + " priorities for " + layout.pieceCount() + " pieces");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count " + count);
        }
        for (int f = 0; f < fileOffset.length; f++) {
            if (fileLength[f] == 0 || filePriority[f] == 0) {
                continue;
            }
            int first = layout.pieceAt(fileOffset[f]);
            int last = layout.pieceAt(fileOffset[f] + fileLength[f] - 1);
            for (int i = 0; i < count && first + i <= last; i++) {
                piecePriorities[first + i] = PiecePicker.PRIORITY_TOP;
                piecePriorities[last - i] = PiecePicker.PRIORITY_TOP;
            }
        }
    }

    private static void checkFiles(BlockLayout layout, long[] fileOffset, long[] fileLength, int[] filePriority) {
        if (fileOffset.length != fileLength.length || fileOffset.length != filePriority.length) {
            throw new IllegalArgumentException("file arrays of different lengths");
        }
        for (int f = 0; f < fileOffset.length; f++) {
            if (fileOffset[f] < 0 || fileLength[f] < 0 || fileOffset[f] + fileLength[f] > layout.totalLength()) {
                throw new IllegalArgumentException("file " + f + " [" + fileOffset[f] + ", +" + fileLength[f]
                        + ") outside the " + layout.totalLength() + "-byte piece space");
            }
            if (filePriority[f] < 0 || filePriority[f] > PiecePicker.PRIORITY_TOP) {
                throw new IllegalArgumentException("file " + f + " priority " + filePriority[f]);
            }
        }
    }
}
