package io.hivemind.bt.storage.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.storage.FileStatus;
import io.hivemind.bt.storage.TestTorrent;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up decision: trust resume data where files are unchanged, recheck where they changed. */
class ResumeCheckTest {
    // a: [0, 40000) pieces 0-2; b: [40000, 90000) pieces 2-5; c: [90000, 120000) pieces 5-7 (16 KiB pieces)
    static final TestTorrent T = TestTorrent.builder("rc").pieceLength(16 * 1024)
            .file("a.bin", 40_000).file("b.bin", 50_000).file("c.bin", 30_000).build();
    static final InfoDictionary INFO = T.info();
    static final byte[] HASH = new byte[20];

    static List<FileStatus> files(long... mtimes) {
        List<FileStatus> l = new ArrayList<>();
        for (int i = 0; i < mtimes.length; i++) {
            l.add(mtimes[i] < 0 ? FileStatus.absent(i) : new FileStatus(i, true, INFO.files().get(i).length(),
                    mtimes[i]));
        }
        return l;
    }

    static ResumeData data(Bitfield pieces, List<FileStatus> files, int... priorities) {
        int[] pr = priorities.length == 0 ? new int[] {1, 1, 1} : priorities;
        return new ResumeData(HASH, pieces, files, FileStatus.absent(-1), 0, 0, pr, "/x", 0, -1);
    }

    static Bitfield bits(String s) {
        Bitfield b = new Bitfield(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == 'x') {
                b.set(i);
            }
        }
        return b;
    }

    @Test
    void unchangedFilesAreTrusted() {
        ResumeData d = data(bits("xxxx.x.."), files(1, 2, 3));
        ResumeCheck.Plan p = ResumeCheck.plan(INFO, HASH, d, files(1, 2, 3), FileStatus.absent(-1));
        assertEquals(bits("xxxx.x.."), p.trusted());
        assertTrue(p.recheck().isEmpty());
        assertFalse(p.fullRecheck());
    }

    @Test
    void aChangedFileRechecksAllItsPiecesAndTrustsNoneOfThem() {
        ResumeData d = data(bits("xxxx.x.."), files(1, 2, 3));
        ResumeCheck.Plan p = ResumeCheck.plan(INFO, HASH, d, files(1, 99, 3), FileStatus.absent(-1));
        assertEquals(bits("xx......"), p.trusted());
        assertEquals(bits("..xxxx.."), p.recheck(), "b's pieces, including those not in the resume data");
        assertArrayEquals(new int[] {1}, p.changedFiles());
    }

    @Test
    void sizeChangeOrDisappearanceCounts() {
        ResumeData d = data(bits("xxxxxxxx"), files(1, 2, 3));
        List<FileStatus> now = files(1, 2, 3);
        now.set(2, new FileStatus(2, true, 5, 3));
        ResumeCheck.Plan p = ResumeCheck.plan(INFO, HASH, d, now, FileStatus.absent(-1));
        assertEquals(bits(".....xxx"), p.recheck());
        ResumeCheck.Plan gone = ResumeCheck.plan(INFO, HASH, d, files(-1, 2, 3), FileStatus.absent(-1));
        assertEquals(bits("xxx....."), gone.recheck());
        assertEquals(bits("...xxxxx"), gone.trusted());
    }

    @Test
    void unusableResumeDataMeansFullRecheck() {
        ResumeCheck.Plan none = ResumeCheck.plan(INFO, HASH, null, files(1, 2, 3), FileStatus.absent(-1));
        assertTrue(none.fullRecheck());
        assertTrue(none.recheck().isFull());
        assertTrue(none.trusted().isEmpty());
        ResumeData other = new ResumeData(new byte[20], bits("xxxxxxxx"), files(1, 2, 3), FileStatus.absent(-1), 0,
                0, new int[] {1, 1, 1}, "/x", 0, -1);
        byte[] mine = new byte[20];
        mine[0] = 1;
        assertTrue(ResumeCheck.plan(INFO, mine, other, files(1, 2, 3), FileStatus.absent(-1)).fullRecheck());
        ResumeData wrongCount = data(bits("xxx"), files(1, 2, 3));
        assertTrue(ResumeCheck.plan(INFO, HASH, wrongCount, files(1, 2, 3), FileStatus.absent(-1)).fullRecheck());
    }

    @Test
    void aChangedPartFileRechecksPiecesOfSkippedFiles() {
        ResumeData d = new ResumeData(HASH, bits("xxxxxxxx"), files(1, -1, 3), new FileStatus(-1, true, 10, 10), 0, 0,
                new int[] {1, 0, 1}, "/x", 0, -1);
        ResumeCheck.Plan same = ResumeCheck.plan(INFO, HASH, d, files(1, -1, 3), new FileStatus(-1, true, 10, 10));
        assertTrue(same.recheck().isEmpty());
        ResumeCheck.Plan changed = ResumeCheck.plan(INFO, HASH, d, files(1, -1, 3), new FileStatus(-1, true, 10, 11));
        assertEquals(bits("..xxxx.."), changed.recheck());
        assertEquals(bits("xx....xx"), changed.trusted());
    }
}
