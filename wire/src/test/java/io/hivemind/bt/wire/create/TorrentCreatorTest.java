package io.hivemind.bt.wire.create;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torrent creation: options, ordering, determinism, progress and errors. Conformance is in the interop test. */
class TorrentCreatorTest {
    private static final long PL = 16 * 1024;

    @TempDir
    Path tmp;

    private Path tree() {
        Path root = tmp.resolve("tree");
        TestTrees.file(root.resolve("b/x.bin"), 30_000);
        TestTrees.file(root.resolve("a.bin"), 100_000);
        TestTrees.file(root.resolve(".git/config"), 10);
        TestTrees.file(root.resolve(".hidden"), 10);
        TestTrees.file(root.resolve("empty"), 0);
        return root;
    }

    @Test
    void writesEveryOptionAndReadsItBack() throws IOException {
        Metainfo m = TorrentCreator.builder(tree()).version(TorrentVersion.HYBRID).pieceLength(PL)
                .addTier("udp://t1.example:6969/announce", "http://t2.example/announce")
                .addTier("http://t3.example/announce").addWebSeed("http://seed.example/").privateFlag(true)
                .comment("a comment").createdBy("tester").creationDate(1_700_000_000).source("SRC").build().create();
        Metainfo back = Metainfo.parse(m.encode());
        assertEquals(m.infoHashes(), back.infoHashes());
        assertEquals(List.of(List.of("udp://t1.example:6969/announce", "http://t2.example/announce"),
                List.of("http://t3.example/announce")), back.announceTiers());
        assertEquals("udp://t1.example:6969/announce", back.root().getString("announce"));
        assertEquals(List.of("http://seed.example/"), back.urlList());
        assertTrue(back.info().isPrivate());
        assertEquals("SRC", back.info().source());
        assertEquals("a comment", back.comment());
        assertEquals("tester", back.createdBy());
        assertEquals(1_700_000_000, back.creationDate());
        assertEquals("tree", back.info().name());
        assertTrue(back.hasAllPieceLayers());
    }

    @Test
    void sameInputGivesTheSameBytesWhateverTheThreadCount() throws IOException {
        Path root = tree();
        for (TorrentVersion kind : TorrentVersion.values()) {
            byte[] one = TorrentCreator.builder(root).version(kind).pieceLength(PL).threads(1).creationDate(42)
                    .build().create().encode();
            byte[] four = TorrentCreator.builder(root).version(kind).pieceLength(PL).threads(4).creationDate(42)
                    .build().create().encode();
            assertArrayEquals(one, four, kind.toString());
        }
    }

    /** v1 pieces are the SHA-1 of the concatenated files in mktorrent's order, hidden files included by default. */
    @Test
    void v1PiecesHashTheConcatenationInOrder() throws Exception {
        Path root = tree();
        Metainfo m = TorrentCreator.builder(root).pieceLength(PL).build().create();
        List<String> order = m.info().files().stream().map(FileEntry::pathString).toList();
        assertEquals(List.of(".git/config", ".hidden", "a.bin", "b/x.bin", "empty"), order);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (String p : order) {
            all.write(Files.readAllBytes(root.resolve(p)));
        }
        byte[] data = all.toByteArray();
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        for (int p = 0; p < m.info().pieceCount(); p++) {
            int from = (int) (p * PL);
            sha1.update(data, from, (int) Math.min(PL, data.length - from));
            assertArrayEquals(sha1.digest(), m.info().v1PieceHash(p), "piece " + p);
        }
    }

    @Test
    void hiddenFilesCanBeLeftOut() throws IOException {
        Metainfo m = TorrentCreator.builder(tree()).includeHidden(false).build().create();
        assertEquals(List.of("a.bin", "b/x.bin", "empty"),
                m.info().files().stream().map(FileEntry::pathString).toList());
    }

    @Test
    void progressIsMonotoneAndEndsAtTheTotal() throws IOException {
        Path big = TestTrees.file(tmp.resolve("big.bin"), 13L << 20);
        List<long[]> calls = new ArrayList<>();
        TorrentCreator.builder(big).pieceLength(PL).threads(3)
                .progress((done, total) -> {
                    synchronized (calls) {
                        calls.add(new long[]{done, total});
                    }
                }).build().create();
        assertTrue(calls.size() > 1, "several progress reports");
        for (int i = 1; i < calls.size(); i++) {
            assertTrue(calls.get(i)[0] > calls.get(i - 1)[0], "increasing");
        }
        assertEquals(13L << 20, calls.getLast()[0]);
        assertEquals(13L << 20, calls.getLast()[1]);
    }

    /** v2 alignment gaps are not hashed, so they are not counted either: progress still ends at its total. */
    @Test
    void v2ProgressEndsAtTheTotal() throws IOException {
        Path root = tmp.resolve("v2");
        TestTrees.file(root.resolve("a"), 5_000_001);
        TestTrees.file(root.resolve("b"), 3);
        long[] last = new long[2];
        TorrentCreator.builder(root).version(TorrentVersion.V2).pieceLength(1 << 20)
                .progress((done, total) -> {
                    last[0] = done;
                    last[1] = total;
                }).build().create();
        assertEquals(5_000_004, last[0]);
        assertEquals(last[1], last[0]);
    }

    @Test
    void automaticPieceLengthFollowsLibtorrentsTable() {
        assertEquals(16 * 1024, TorrentCreator.autoPieceLength(1));
        assertEquals(16 * 1024, TorrentCreator.autoPieceLength(2_684_355));
        assertEquals(32 * 1024, TorrentCreator.autoPieceLength(2_684_356));
        assertEquals(1 << 20, TorrentCreator.autoPieceLength(4L << 30));
        assertEquals(8 << 20, TorrentCreator.autoPieceLength(703_687_441_777L));
        assertEquals(16 << 20, TorrentCreator.autoPieceLength(Long.MAX_VALUE));
    }

    @Test
    void singleFileTorrentsAndAttributes() throws IOException {
        Path f = TestTrees.file(tmp.resolve("tool.sh"), 1000);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        Metainfo plain = TorrentCreator.builder(f).build().create();
        assertTrue(plain.info().isSingleFile());
        assertEquals("tool.sh", plain.info().name());
        assertEquals("", plain.info().files().getFirst().attributes());
        Metainfo withAttrs = TorrentCreator.builder(f).attributes(true).name("renamed").build().create();
        assertTrue(withAttrs.info().files().getFirst().isExecutable());
        assertEquals("renamed", withAttrs.info().name());
        assertNotEquals(plain.infoHashes(), withAttrs.infoHashes());
    }

    @Test
    void badSourcesAndSettingsAreClearErrors() throws IOException {
        assertThrows(NoSuchFileException.class, () -> TorrentCreator.builder(tmp.resolve("missing")).build().create());
        Path empty = Files.createDirectories(tmp.resolve("empty-dir"));
        assertThrows(IllegalArgumentException.class, () -> TorrentCreator.builder(empty).build().create());
        Files.write(empty.resolve("zero"), new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> TorrentCreator.builder(empty).build().create());
        Path f = TestTrees.file(tmp.resolve("f"), 10);
        assertThrows(IllegalArgumentException.class,
                () -> TorrentCreator.builder(f).version(TorrentVersion.V2).pieceLength(20_000).build());
        assertThrows(IllegalArgumentException.class,
                () -> TorrentCreator.builder(f).version(TorrentVersion.HYBRID).pieceLength(8192).build());
        assertThrows(IllegalArgumentException.class, () -> TorrentCreator.builder(f).addTier("http://a b/"));
        assertThrows(IllegalArgumentException.class, () -> TorrentCreator.builder(f).threads(0));
        Path big = TestTrees.file(tmp.resolve("big"), 40L << 20);
        assertThrows(IllegalArgumentException.class,
                () -> TorrentCreator.builder(big).pieceLength(16).build().create(), "too many pieces");
        // v1 allows any positive piece length
        Metainfo odd = TorrentCreator.builder(f).pieceLength(3).build().create();
        assertEquals(4, odd.info().pieceCount());
    }

    @Test
    void aFileShorterThanListedIsAnIoError() throws IOException {
        Path f = TestTrees.file(tmp.resolve("shrinks"), 100_000);
        Layout layout = new Layout(TorrentVersion.V1, PL, List.of(new SourceFile(f, List.of("shrinks"), 200_000,
                false)), 1000);
        IOException e = assertThrows(IOException.class, () -> new ParallelHasher(layout, 2, null).hash());
        assertTrue(e.getMessage().contains("shorter"), e.getMessage());
    }

    @Test
    void symbolicLinksAreFollowedAndLoopsReported() throws IOException {
        Path root = tmp.resolve("links");
        Path target = TestTrees.file(tmp.resolve("outside.bin"), 5000);
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("link.bin"), target);
        Metainfo m = TorrentCreator.builder(root).build().create();
        assertEquals(5000, m.info().totalLength());
        Files.createSymbolicLink(root.resolve("loop"), root);
        assertThrows(IOException.class, () -> TorrentCreator.builder(root).build().create());
    }

    @Test
    void v2TorrentsOfManySmallFilesSkipTheAlignmentGaps() throws IOException {
        Path root = tmp.resolve("small");
        for (int i = 0; i < 50; i++) {
            TestTrees.file(root.resolve("f" + i), 100 + i);
        }
        // with 4 MiB pieces the piece space is 200 MiB of gaps; hashing must not read or hash them
        Metainfo m = TorrentCreator.builder(root).version(TorrentVersion.V2).pieceLength(4 << 20).build().create();
        assertEquals(50, m.info().pieceCount());
        for (FileEntry f : m.info().files()) {
            assertEquals(f.length(), m.info().pieceSize(f.firstPiece(m.info().pieceLength())));
            assertNull(m.pieceLayer(f.piecesRoot()));
        }
        assertFalse(Arrays.equals(m.info().files().get(0).piecesRoot(), m.info().files().get(1).piecesRoot()));
    }
}
