package io.hivemind.bt.storage.resume;

import io.hivemind.bt.storage.FileStatus;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides, at start-up, which pieces the resume data may be trusted for and which must be rechecked. A pure
 * function of the torrent, the resume data and what is on disk now (no I/O, no clock).
 *
 * <p>Rules: no resume data, another torrent's, or one whose piece or file count differs → recheck everything. Else a
 * file is <em>unchanged</em> when it is absent now and was absent then, or has the same size and modification time
 * (nanoseconds, as the file system keeps them). Verified pieces touching only unchanged files are trusted; every
 * piece touching a changed file is rechecked (a changed file may hold pieces written after the last save, or be
 * another file altogether); if the part file changed, the pieces it may hold (those touching a file with priority 0)
 * are rechecked too.
 *
 * <p>Why this is safe: resume data is saved only after the files were flushed, with the file states read after the
 * flush, so a trusted piece was on stable storage when its file had exactly the recorded size and time.
 */
public final class ResumeCheck {
    private ResumeCheck() {
    }

    /**
     * The decision.
     *
     * @param trusted      pieces verified by the resume data and not touched by any change
     * @param recheck      pieces to hash now (their data may or may not be there)
     * @param fullRecheck  true when the resume data was not usable at all
     * @param changedFiles indices of the files that changed
     * @param reasons      why, for the log
     */
    public record Plan(Bitfield trusted, Bitfield recheck, boolean fullRecheck, int[] changedFiles,
                       List<String> reasons) {
        public Plan {
            trusted = trusted.copy();
            recheck = recheck.copy();
            changedFiles = changedFiles.clone();
            reasons = List.copyOf(reasons);
        }

        @Override
        public Bitfield trusted() {
            return trusted.copy();
        }

        @Override
        public Bitfield recheck() {
            return recheck.copy();
        }

        @Override
        public int[] changedFiles() {
            return changedFiles.clone();
        }
    }

    /**
     * @param info      the torrent
     * @param infoHash  its info-hash as stored in resume data (20 or 32 bytes)
     * @param data      the loaded resume data, or null
     * @param current   the state of every file now ({@code PieceStore.fileStatus()})
     * @param partFile  the state of the part file now
     */
    public static Plan plan(InfoDictionary info, byte[] infoHash, ResumeData data, List<FileStatus> current,
                            FileStatus partFile) {
        int n = info.pieceCount();
        List<String> reasons = new ArrayList<>();
        String unusable = null;
        if (data == null) {
            unusable = "no resume data";
        } else if (!Arrays.equals(data.infoHash(), infoHash)) {
            unusable = "resume data of another torrent";
        } else if (data.pieceCount() != n) {
            unusable = "resume data for " + data.pieceCount() + " pieces, torrent has " + n;
        } else if (data.files().size() != info.files().size() || current.size() != info.files().size()) {
            unusable = "resume data for " + data.files().size() + " files, torrent has " + info.files().size();
        }
        if (unusable != null) {
            reasons.add(unusable + ": full recheck");
            return new Plan(new Bitfield(n), Bitfield.full(n), true, new int[0], reasons);
        }
        long pl = info.pieceLength();
        Bitfield touched = new Bitfield(n);
        List<Integer> changed = new ArrayList<>();
        int[] priorities = data.priorities();
        for (FileEntry f : info.files()) {
            if (f.isPad() || f.length() == 0) {
                continue;
            }
            FileStatus then = data.files().get(f.index());
            FileStatus now = current.get(f.index());
            if (!then.sameAs(now)) {
                changed.add(f.index());
                reasons.add("file " + f.pathString() + " changed (" + describe(then) + " -> " + describe(now) + ")");
                markPieces(touched, f, pl);
            }
        }
        if (!data.partFile().sameAs(partFile)) {
            reasons.add("part file changed (" + describe(data.partFile()) + " -> " + describe(partFile) + ")");
            for (FileEntry f : info.files()) {
                if (!f.isPad() && f.length() > 0 && priorities[f.index()] == 0) {
                    markPieces(touched, f, pl);
                }
            }
        }
        Bitfield trusted = data.pieces();
        trusted.andNot(touched);
        if (touched.isEmpty()) {
            reasons.add("all files unchanged: " + trusted.count() + " pieces trusted");
        }
        return new Plan(trusted, touched, false, changed.stream().mapToInt(Integer::intValue).toArray(), reasons);
    }

    private static void markPieces(Bitfield b, FileEntry f, long pl) {
        for (int p = f.firstPiece(pl); p <= f.lastPiece(pl); p++) {
            b.set(p);
        }
    }

    private static String describe(FileStatus s) {
        return s.exists() ? s.size() + " bytes, mtime " + s.mtimeNanos() : "absent";
    }
}
