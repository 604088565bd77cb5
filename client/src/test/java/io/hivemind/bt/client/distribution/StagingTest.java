package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging directories (hard links, clashes) and the manifest's JSON form. */
class StagingTest {

    @Test
    void stagesFilesAndDirectoriesAsHardLinks(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("src/dir/sub"));
        Files.writeString(tmp.resolve("src/a.txt"), "a");
        Files.writeString(tmp.resolve("src/dir/b.txt"), "bb");
        Files.writeString(tmp.resolve("src/dir/sub/c.txt"), "ccc");
        Path top = tmp.resolve("stage/t");
        List<Staging.Staged> s = Staging.stage(top, List.of(tmp.resolve("src/a.txt"), tmp.resolve("src/dir")), false);
        assertEquals(3, s.size());
        assertTrue(s.contains(new Staging.Staged("dir/sub/c.txt", 3)));
        assertEquals("ccc", Files.readString(top.resolve("dir/sub/c.txt")));
        assertTrue(Files.isSameFile(tmp.resolve("src/a.txt"), top.resolve("a.txt")), "a hard link, not a copy");
        assertThrows(FileAlreadyExistsException.class, () -> Staging.stage(top, List.of(tmp.resolve("src/a.txt")),
                false));
        Path flat = tmp.resolve("stage/m");
        List<Staging.Staged> f = Staging.stage(flat, List.of(tmp.resolve("src/dir")), true);
        assertTrue(f.contains(new Staging.Staged("b.txt", 2)));
        Staging.delete(tmp.resolve("stage"));
        assertEquals("ccc", Files.readString(tmp.resolve("src/dir/sub/c.txt")), "deleting links keeps the files");
    }

    @Test
    void clashingNamesAndEmptyInputsAreRefused(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("x"));
        Files.createDirectories(tmp.resolve("y"));
        Files.writeString(tmp.resolve("x/same"), "1");
        Files.writeString(tmp.resolve("y/same"), "2");
        Files.createDirectories(tmp.resolve("empty"));
        assertThrows(IllegalArgumentException.class, () -> Staging.stage(tmp.resolve("s1"),
                List.of(tmp.resolve("x/same"), tmp.resolve("y/same")), false));
        assertThrows(IllegalArgumentException.class, () -> Staging.stage(tmp.resolve("s2"),
                List.of(tmp.resolve("empty")), false));
    }

    @Test
    void manifestRoundTripAndLimits() {
        Manifest m = new Manifest(DistributionKind.MODEL, "resnet", "ab:resnet", 7, Map.of("version", "1", "acc", "0.9"),
                List.of(new Manifest.FileEntry("w.bin", 10)), 1_700_000_000L);
        assertEquals(m, Manifest.parse(m.toJson()));
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse("{}".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse("[".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(
                "{\"format\":\"hivebt-manifest/1\",\"kind\":\"model\",\"metadata\":{\"a\":1}}".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(new byte[Manifest.MAX_BYTES + 1]));
    }
}
