package io.hivemind.bt.storage.resume;

import io.hivemind.bt.storage.FileStatus;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a torrent remembers across restarts so it need not recheck its data: the verified pieces, the size and
 * modification time of every file when they were verified, transfer totals, file priorities, the save path and
 * times. Immutable (arrays and the bitfield are copied in and out); encoded by {@link ResumeDataCodec}, stored by
 * {@link ResumeStore}, trusted or not by {@link ResumeCheck}.
 *
 * @param infoHash      the torrent's info-hash (20 bytes v1, or 32 bytes v2), to refuse another torrent's file
 * @param pieces        the pieces verified and written before {@link #files} was taken
 * @param files         the state of every file of the torrent, in order (pad files absent)
 * @param partFile      the state of the part file
 * @param uploaded      total bytes uploaded
 * @param downloaded    total bytes downloaded
 * @param priorities    file priorities (0 = skip)
 * @param savePath      the save directory
 * @param addedTime     when the torrent was added, seconds since the epoch
 * @param completedTime when it completed, seconds since the epoch, or -1
 */
public record ResumeData(byte[] infoHash, Bitfield pieces, List<FileStatus> files, FileStatus partFile, long uploaded,
                         long downloaded, int[] priorities, String savePath, long addedTime, long completedTime) {

    public ResumeData {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(pieces, "pieces");
        Objects.requireNonNull(partFile, "partFile");
        Objects.requireNonNull(savePath, "savePath");
        if (infoHash.length != 20 && infoHash.length != 32) {
            throw new IllegalArgumentException("info-hash must be 20 or 32 bytes: " + infoHash.length);
        }
        if (priorities.length != files.size()) {
            throw new IllegalArgumentException(priorities.length + " priorities for " + files.size() + " files");
        }
        infoHash = infoHash.clone();
        pieces = pieces.copy();
        files = List.copyOf(files);
        priorities = priorities.clone();
    }

    @Override
    public byte[] infoHash() {
        return infoHash.clone();
    }

    @Override
    public Bitfield pieces() {
        return pieces.copy();
    }

    @Override
    public int[] priorities() {
        return priorities.clone();
    }

    /** Number of pieces of the torrent. */
    public int pieceCount() {
        return pieces.size();
    }

    /** Number of verified pieces. */
    public int verifiedCount() {
        return pieces.count();
    }

    /** A copy with other pieces. */
    public ResumeData withPieces(Bitfield newPieces) {
        return new ResumeData(infoHash, newPieces, files, partFile, uploaded, downloaded, priorities, savePath,
                addedTime, completedTime);
    }

    /** A copy with other file states. */
    public ResumeData withFiles(List<FileStatus> newFiles, FileStatus newPartFile) {
        return new ResumeData(infoHash, pieces, newFiles, newPartFile, uploaded, downloaded, priorities, savePath,
                addedTime, completedTime);
    }

    /** A copy with other totals. */
    public ResumeData withTotals(long newUploaded, long newDownloaded) {
        return new ResumeData(infoHash, pieces, files, partFile, newUploaded, newDownloaded, priorities, savePath,
                addedTime, completedTime);
    }

    /** A copy with another completion time. */
    public ResumeData withCompletedTime(long newCompletedTime) {
        return new ResumeData(infoHash, pieces, files, partFile, uploaded, downloaded, priorities, savePath, addedTime,
                newCompletedTime);
    }

    /** A fresh record for a torrent just added: nothing verified, files absent, priorities all 1. */
    public static ResumeData initial(byte[] infoHash, int pieceCount, int fileCount, String savePath, long addedTime) {
        List<FileStatus> files = new java.util.ArrayList<>(fileCount);
        for (int i = 0; i < fileCount; i++) {
            files.add(FileStatus.absent(i));
        }
        int[] pr = new int[fileCount];
        Arrays.fill(pr, 1);
        return new ResumeData(infoHash, new Bitfield(pieceCount), files, FileStatus.absent(-1), 0, 0, pr, savePath,
                addedTime, -1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResumeData r && Arrays.equals(infoHash, r.infoHash) && pieces.equals(r.pieces)
                && files.equals(r.files) && partFile.equals(r.partFile) && uploaded == r.uploaded
                && downloaded == r.downloaded && Arrays.equals(priorities, r.priorities)
                && savePath.equals(r.savePath) && addedTime == r.addedTime && completedTime == r.completedTime;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(infoHash), pieces, files, partFile, uploaded, downloaded,
                Arrays.hashCode(priorities), savePath, addedTime, completedTime);
    }

    @Override
    public String toString() {
        return "ResumeData[" + pieces.count() + "/" + pieces.size() + " pieces, " + files.size() + " files, "
                + savePath + "]";
    }
}
