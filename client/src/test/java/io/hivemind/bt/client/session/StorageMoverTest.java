package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StorageMover}: files and the part file move, nothing is overwritten, empty directories go. */
class StorageMoverTest {
    private static final String ID = "ab".repeat(20);

    private static InfoDictionary multiFile(Path tmp) throws Exception {
        Path set = tmp.resolve("make/set");
        LoopbackSwarmTest.writeRandom(set.resolve("a.bin"), 100_000, 1);
        LoopbackSwarmTest.writeRandom(set.resolve("sub/deep/b.bin"), 50_000, 2);
        return TorrentCreator.builder(set).pieceLength(16 * 1024).threads(1).build().create().info();
    }

    @Test
    void movesPresentFilesAndThePartFileKeepingTimesAndRemovingEmptyDirectories(@TempDir Path tmp) throws Exception {
        InfoDictionary info = multiFile(tmp);
        Path from = tmp.resolve("from");
        Path to = tmp.resolve("to/nested");
        LoopbackSwarmTest.writeRandom(from.resolve("set/sub/deep/b.bin"), 50_000, 2); // a.bin not downloaded yet
        Files.writeString(from.resolve("." + ID + ".parts"), "part");
        Files.writeString(from.resolve("unrelated.txt"), "stays");
        FileTime when = FileTime.fromMillis(1_600_000_000_000L);
        Files.setLastModifiedTime(from.resolve("set/sub/deep/b.bin"), when);
        byte[] b = Files.readAllBytes(from.resolve("set/sub/deep/b.bin"));

        StorageMover.move(info, ID, from, to);

        assertArrayEquals(b, Files.readAllBytes(to.resolve("set/sub/deep/b.bin")));
        assertEquals(when, Files.getLastModifiedTime(to.resolve("set/sub/deep/b.bin")), "resume data still matches");
        assertEquals("part", Files.readString(to.resolve("." + ID + ".parts")));
        assertFalse(Files.exists(to.resolve("set/a.bin")), "a missing file is not invented");
        assertFalse(Files.exists(from.resolve("set")), "empty directories removed");
        assertTrue(Files.exists(from.resolve("unrelated.txt")), "other files untouched");
    }

    @Test
    void anExistingTargetFailsBeforeAnythingMoves(@TempDir Path tmp) throws Exception {
        InfoDictionary info = multiFile(tmp);
        Path from = tmp.resolve("from");
        Path to = tmp.resolve("to");
        LoopbackSwarmTest.writeRandom(from.resolve("set/a.bin"), 100_000, 1);
        LoopbackSwarmTest.writeRandom(from.resolve("set/sub/deep/b.bin"), 50_000, 2);
        Files.createDirectories(to.resolve("set/sub/deep"));
        Files.writeString(to.resolve("set/sub/deep/b.bin"), "someone else's");
        assertThrows(FileAlreadyExistsException.class, () -> StorageMover.move(info, ID, from, to));
        assertTrue(Files.exists(from.resolve("set/a.bin")));
        assertTrue(Files.exists(from.resolve("set/sub/deep/b.bin")));
        assertFalse(Files.exists(to.resolve("set/a.bin")));
        assertEquals("someone else's", Files.readString(to.resolve("set/sub/deep/b.bin")));
    }

    @Test
    void aFailureHalfWayMovesBackWhatWasMoved(@TempDir Path tmp) throws Exception {
        InfoDictionary info = multiFile(tmp);
        Path from = tmp.resolve("from");
        Path to = tmp.resolve("to");
        LoopbackSwarmTest.writeRandom(from.resolve("set/a.bin"), 100_000, 1);
        LoopbackSwarmTest.writeRandom(from.resolve("set/sub/deep/b.bin"), 50_000, 2);
        // a regular file where the second file's directory must go: a.bin moves, b.bin cannot
        Files.createDirectories(to.resolve("set"));
        Files.writeString(to.resolve("set/sub"), "not a directory");
        assertThrows(java.io.IOException.class, () -> StorageMover.move(info, ID, from, to));
        assertTrue(Files.exists(from.resolve("set/a.bin")), "moved back");
        assertTrue(Files.exists(from.resolve("set/sub/deep/b.bin")));
        assertFalse(Files.exists(to.resolve("set/a.bin")));
    }

    @Test
    void singleFileTorrentAndSameDirectory(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("make/one.bin");
        LoopbackSwarmTest.writeRandom(file, 30_000, 3);
        InfoDictionary info = TorrentCreator.builder(file).threads(1).build().create().info();
        Path from = tmp.resolve("make");
        StorageMover.move(info, ID, from, from.resolve("."));
        assertTrue(Files.exists(file), "moving to the same place does nothing");
        StorageMover.move(info, ID, from, tmp.resolve("there"));
        assertTrue(Files.exists(tmp.resolve("there/one.bin")));
        assertFalse(Files.exists(file));
        assertTrue(Files.isDirectory(from), "the save directory itself stays");
    }

    @Test
    void deleteRemovesFilesPartFileAndEmptiedDirectoriesOnly(@TempDir Path tmp) throws Exception {
        InfoDictionary info = multiFile(tmp);
        Path root = tmp.resolve("root");
        LoopbackSwarmTest.writeRandom(root.resolve("set/a.bin"), 100_000, 1);
        LoopbackSwarmTest.writeRandom(root.resolve("set/sub/deep/b.bin"), 50_000, 2);
        Files.writeString(root.resolve("." + ID + ".parts"), "part");
        Files.writeString(root.resolve("set/notes-by-the-user.txt"), "mine");
        StorageMover.delete(info, ID, root);
        assertFalse(Files.exists(root.resolve("set/a.bin")));
        assertFalse(Files.exists(root.resolve("set/sub")), "emptied directories go");
        assertFalse(Files.exists(root.resolve("." + ID + ".parts")));
        assertTrue(Files.exists(root.resolve("set/notes-by-the-user.txt")), "a file not in the torrent stays");
        assertTrue(Files.isDirectory(root));
    }
}
