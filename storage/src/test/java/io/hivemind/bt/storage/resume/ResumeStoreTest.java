package io.hivemind.bt.storage.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HARDENING.md "Storage and durability": atomic saves, a .bak, fallback to it, then to a recheck. */
class ResumeStoreTest {
    @TempDir
    Path dir;

    @Test
    void saveThenLoad() {
        ResumeStore s = new ResumeStore(dir.resolve("torrents"));
        ResumeData d = ResumeDataCodecTest.random(3, 100, 4);
        s.save("abc", d);
        ResumeStore.Loaded l = s.load("abc");
        assertEquals(ResumeStore.Source.PRIMARY, l.source());
        assertEquals(d, l.data());
        assertFalse(Files.exists(s.backupPath("abc")), "no backup before the second save");
    }

    @Test
    void secondSaveKeepsThePreviousAsBackup() throws Exception {
        ResumeStore s = new ResumeStore(dir);
        ResumeData first = ResumeDataCodecTest.random(1, 50, 2);
        ResumeData second = ResumeDataCodecTest.random(2, 50, 2);
        s.save("t", first);
        s.save("t", second);
        assertEquals(second, ResumeDataCodec.decode(Files.readAllBytes(s.path("t"))));
        assertEquals(first, ResumeDataCodec.decode(Files.readAllBytes(s.backupPath("t"))));
        try (var list = Files.list(dir)) {
            assertEquals(2, list.count(), "no temporary file left behind");
        }
    }

    @Test
    void corruptPrimaryFallsBackToBackup() throws Exception {
        ResumeStore s = new ResumeStore(dir);
        ResumeData first = ResumeDataCodecTest.random(1, 50, 2);
        s.save("t", first);
        s.save("t", ResumeDataCodecTest.random(2, 50, 2));
        Files.write(s.path("t"), "d3:bad".getBytes());
        ResumeStore.Loaded l = s.load("t");
        assertEquals(ResumeStore.Source.BACKUP, l.source());
        assertEquals(first, l.data());
        assertTrue(l.problems().getFirst().contains("BAD_BENCODE"), l.problems().toString());
    }

    @Test
    void emptyPrimaryFallsBackToBackup() throws Exception {
        ResumeStore s = new ResumeStore(dir);
        ResumeData first = ResumeDataCodecTest.random(1, 50, 2);
        s.save("t", first);
        s.save("t", ResumeDataCodecTest.random(2, 50, 2));
        Files.write(s.path("t"), new byte[0]);
        assertEquals(first, s.load("t").data());
    }

    /** A crash between "current → .bak" and "tmp → current" leaves only the backup: it is used. */
    @Test
    void crashBetweenRenamesUsesBackup() throws Exception {
        ResumeStore s = new ResumeStore(dir);
        ResumeData first = ResumeDataCodecTest.random(1, 50, 2);
        s.save("t", first);
        s.save("t", first);
        Files.delete(s.path("t"));
        Files.write(dir.resolve("t.resume.tmp"), new byte[] {'d'}); // a half-written temp file is never read
        ResumeStore.Loaded l = s.load("t");
        assertEquals(ResumeStore.Source.BACKUP, l.source());
        assertEquals(first, l.data());
        s.save("t", first); // and the next save overwrites the stale temp file
        assertEquals(ResumeStore.Source.PRIMARY, s.load("t").source());
    }

    @Test
    void bothBrokenMeansRecheck() throws Exception {
        ResumeStore s = new ResumeStore(dir);
        Files.write(s.path("t"), "garbage".getBytes());
        Files.write(s.backupPath("t"), new byte[0]);
        ResumeStore.Loaded l = s.load("t");
        assertEquals(ResumeStore.Source.NONE, l.source());
        assertNull(l.data());
        assertEquals(2, l.problems().size());
        assertEquals(ResumeStore.Source.NONE, s.load("never").source());
    }

    @Test
    void namesAreChecked() {
        ResumeStore s = new ResumeStore(dir);
        assertThrows(IllegalArgumentException.class, () -> s.path("../x"));
        assertThrows(IllegalArgumentException.class, () -> s.path(""));
    }

    @Test
    void deleteRemovesEverything() throws Exception {
        ResumeStore s = new ResumeStore(dir);
        s.save("t", ResumeDataCodecTest.random(1, 5, 1));
        s.save("t", ResumeDataCodecTest.random(1, 5, 1));
        s.delete("t");
        try (var list = Files.list(dir)) {
            assertEquals(0, list.count());
        }
    }
}
