package io.hivemind.bt.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both {@link PieceStore} implementations against the same expectations. */
class PieceStoreTest {
    @TempDir
    Path dir;
    Storage storage;

    @BeforeEach
    void setUp() {
        storage = StorageTesting.storage();
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    private PieceStore open(TestTorrent t, StoreKind kind) {
        return open(t, kind, null, StoreOptions.builder().kind(kind).build());
    }

    private PieceStore open(TestTorrent t, StoreKind kind, int[] priorities, StoreOptions options) {
        return storage.openStore(StoreSpec.builder(t.info(), dir).priorities(priorities)
                .options(options.toBuilder().kind(kind).build()).build());
    }

    private static void writePiece(PieceStore s, TestTorrent t, int p) {
        s.write(p, 0, ByteBuffer.wrap(t.piece(p)));
    }

    private static byte[] readPiece(PieceStore s, int p) {
        ByteBuffer b = ByteBuffer.allocate(s.info().pieceSize(p));
        s.read(p, 0, b);
        assertFalse(b.hasRemaining());
        return b.array();
    }

    private static TestTorrent odd() {
        return TestTorrent.builder("odd").pieceLength(32 * 1024)
                .file("a.bin", 10_000).file("sub/b.bin", 70_000).file("sub/c.bin", 1).file("e.bin", 40_000)
                .file("empty", new byte[0]).file("deep/er/f.bin", 33_333).build();
    }

    /** BEP 3: pieces are cut from the concatenation of the files; a piece may span several files. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void piecesSpanningFilesRoundTripInAnyOrder(StoreKind kind) throws Exception {
        TestTorrent t = odd();
        try (PieceStore s = open(t, kind)) {
            List<Integer> order = new ArrayList<>();
            for (int p = 0; p < t.pieceCount(); p++) {
                order.add(p);
            }
            Collections.shuffle(order, new Random(7));
            for (int p : order) {
                writePiece(s, t, p);
            }
            for (int p = 0; p < t.pieceCount(); p++) {
                assertArrayEquals(t.piece(p), readPiece(s, p), "piece " + p);
            }
            s.flush();
        }
        for (int i = 0; i < t.files().size(); i++) {
            assertArrayEquals(t.data(i), Files.readAllBytes(t.pathIn(dir, i)), "file " + i);
        }
        assertTrue(Files.exists(t.pathIn(dir, 4)), "empty files are created");
    }

    /** Blocks at odd offsets and lengths are split across files the same way. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void blockSizedWritesAndReadsAtEveryOffset(StoreKind kind) {
        TestTorrent t = odd();
        Random r = new Random(3);
        try (PieceStore s = open(t, kind)) {
            for (int p = 0; p < t.pieceCount(); p++) {
                byte[] piece = t.piece(p);
                for (int off = 0; off < piece.length; off += 16384) {
                    int len = Math.min(16384, piece.length - off);
                    s.write(p, off, ByteBuffer.wrap(piece, off, len));
                }
            }
            for (int i = 0; i < 200; i++) {
                int p = r.nextInt(t.pieceCount());
                int size = t.info().pieceSize(p);
                int off = r.nextInt(size);
                int len = 1 + r.nextInt(size - off);
                ByteBuffer b = ByteBuffer.allocate(len);
                s.read(p, off, b);
                byte[] expected = java.util.Arrays.copyOfRange(t.piece(p), off, off + len);
                assertArrayEquals(expected, b.array());
            }
            assertThrows(IllegalArgumentException.class, () -> s.read(0, 32 * 1024 - 10, ByteBuffer.allocate(11)));
        }
    }

    /** BEP 47: pad files are never written to disk and read as zeros. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void padFilesAreNeverWritten(StoreKind kind) throws Exception {
        TestTorrent t = TestTorrent.builder("padded").pieceLength(32 * 1024).pad(true)
                .file("a.bin", 40_000).file("b.bin", 5_000).file("c.bin", 70_000).build();
        assertTrue(t.files().stream().anyMatch(TestTorrent.File::isPad));
        try (PieceStore s = open(t, kind)) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
            for (int p = 0; p < t.pieceCount(); p++) {
                assertArrayEquals(t.piece(p), readPiece(s, p));
            }
        }
        assertFalse(Files.exists(dir.resolve("padded").resolve(".pad")), "no pad directory");
        for (int i = 0; i < t.files().size(); i++) {
            if (!t.files().get(i).isPad()) {
                assertArrayEquals(t.data(i), Files.readAllBytes(t.pathIn(dir, i)));
            }
        }
    }

    /** Files are created sparse by default: one written piece allocates about one piece. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void sparseByDefault(StoreKind kind) throws Exception {
        TestTorrent t = TestTorrent.builder("big").pieceLength(64 * 1024).file("big.bin", 8 << 20).build();
        try (PieceStore s = open(t, kind)) {
            writePiece(s, t, 3);
            s.flush();
        }
        Path f = t.pathIn(dir, 0);
        assertEquals(8 << 20, Files.size(f), "full length at once");
        long allocated = StorageTesting.allocatedBytes(f);
        assertTrue(allocated < 1 << 20, "sparse: " + allocated + " bytes allocated");
    }

    /** {@link Allocation#FULL}: every block allocated when the file is created. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void fullPreallocation(StoreKind kind) throws Exception {
        TestTorrent t = TestTorrent.builder("big").pieceLength(64 * 1024).file("big.bin", 8 << 20).build();
        StoreOptions full = StoreOptions.builder().allocation(Allocation.FULL).build();
        try (PieceStore s = open(t, kind, null, full)) {
            writePiece(s, t, 3);
            assertArrayEquals(t.piece(3), readPiece(s, 3));
        }
        Path f = t.pathIn(dir, 0);
        assertTrue(StorageTesting.allocatedBytes(f) >= 8 << 20, "fully allocated");
    }

    /**
     * Priority 0: the skipped file is never created; the bytes of boundary pieces it shares with wanted files go to
     * the part file, and move into the file when it becomes wanted.
     */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void skippedFilesUsePartFileUntilWanted(StoreKind kind) throws Exception {
        // a: [0, 40000)  b: [40000, 90000)  c: [90000, 120000); pieces of 32 KiB: 1 = a+b, 2 = b+c
        TestTorrent t = TestTorrent.builder("skip").pieceLength(32 * 1024)
                .file("a.bin", 40_000).file("b.bin", 50_000).file("c.bin", 30_000).build();
        AbstractPieceStore s = (AbstractPieceStore) open(t, kind, new int[] {1, 0, 1}, StoreOptions.DEFAULT);
        try {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
            assertFalse(Files.exists(t.pathIn(dir, 1)), "skipped file not created");
            assertTrue(s.partFile().exists(), "part file created");
            assertTrue(s.partFile().path().getFileName().toString().endsWith(".parts"));
            assertEquals(dir.toRealPath(), s.partFile().path().getParent().toRealPath(), "part file in save dir");
            for (int p = 0; p < t.pieceCount(); p++) {
                assertArrayEquals(t.piece(p), readPiece(s, p), "piece " + p);
            }
            assertArrayEquals(t.data(0), Files.readAllBytes(t.pathIn(dir, 0)));
            assertArrayEquals(t.data(2), Files.readAllBytes(t.pathIn(dir, 2)));
            assertTrue(s.partFileStatus().exists());

            s.setFilePriorities(new int[] {1, 1, 1});
            assertArrayEquals(t.data(1), Files.readAllBytes(t.pathIn(dir, 1)), "moved out of the part file");
            assertFalse(s.partFile().exists(), "part file deleted when no longer needed");
            for (int p = 0; p < t.pieceCount(); p++) {
                assertArrayEquals(t.piece(p), readPiece(s, p), "piece " + p + " after");
            }
        } finally {
            s.close();
        }
    }

    /** The part file survives a restart: a new store finds the slots in its header. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void partFileSurvivesReopen(StoreKind kind) throws Exception {
        TestTorrent t = TestTorrent.builder("skip").pieceLength(32 * 1024)
                .file("a.bin", 40_000).file("b.bin", 50_000).file("c.bin", 30_000).build();
        try (PieceStore s = open(t, kind, new int[] {1, 0, 1}, StoreOptions.DEFAULT)) {
            writePiece(s, t, 1);
            writePiece(s, t, 2);
            s.flush();
        }
        try (PieceStore s = open(t, kind, new int[] {1, 0, 1}, StoreOptions.DEFAULT)) {
            assertArrayEquals(t.piece(1), readPiece(s, 1));
            assertArrayEquals(t.piece(2), readPiece(s, 2));
            // piece 0 was never written: a.bin exists (sparse, full length) so it reads as zeros; the store does not
            // track verification, the caller's have-set does
            assertArrayEquals(new byte[t.info().pieceSize(0)], readPiece(s, 0));
            assertFalse(Files.exists(t.pathIn(dir, 1)));
        }
    }

    /** Files larger than 2 GiB: offsets past 2^31 in one file (sparse, so cheap). */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void filesLargerThanTwoGiB(StoreKind kind) throws Exception {
        long length = 3L << 30;
        int pl = 4 << 20;
        int pieces = (int) (length / pl);
        byte[] torrent = io.hivemind.bt.wire.bencode.BDict.builder().put("info",
                io.hivemind.bt.wire.bencode.BDict.builder().put("name", "huge.bin").put("length", length)
                        .put("piece length", pl).put("pieces", new byte[pieces * 20]).build()).build().encode();
        var info = io.hivemind.bt.wire.metainfo.Metainfo.parse(torrent).info();
        byte[] data = new byte[pl];
        new Random(5).nextBytes(data);
        int piece = pieces - 3; // starts at 3 GiB - 12 MiB, past 2^31
        try (PieceStore s = storage.openStore(StoreSpec.builder(info, dir).kind(kind).build())) {
            s.write(piece, 0, ByteBuffer.wrap(data));
            ByteBuffer back = ByteBuffer.allocate(pl);
            s.read(piece, 0, back);
            assertArrayEquals(data, back.array());
            ByteBuf block = s.readBlock(piece, pl - 16384, 16384);
            try {
                byte[] b = new byte[16384];
                block.getBytes(block.readerIndex(), b);
                assertArrayEquals(java.util.Arrays.copyOfRange(data, pl - 16384, pl), b);
            } finally {
                block.release();
            }
        }
        assertEquals(length, Files.size(dir.resolve("huge.bin")));
    }

    /** Seeding reads: the caller owns the buffer; the mmap store's is a read-only view of the mapping. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void readBlockReturnsAnOwnedBuffer(StoreKind kind) throws Exception {
        TestTorrent t = odd();
        try (PieceStore s = open(t, kind)) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
            for (int p = 0; p < t.pieceCount(); p++) {
                for (int off = 0; off < t.info().pieceSize(p); off += 16384) {
                    int len = Math.min(16384, t.info().pieceSize(p) - off);
                    ByteBuf b = s.readBlock(p, off, len);
                    assertEquals(1, b.refCnt());
                    assertEquals(len, b.readableBytes());
                    byte[] got = new byte[len];
                    b.getBytes(b.readerIndex(), got);
                    assertArrayEquals(java.util.Arrays.copyOfRange(t.piece(p), off, off + len), got);
                    assertTrue(b.release());
                    assertEquals(0, b.refCnt());
                }
            }
            ByteBuf inside = s.readBlock(1, 0, 16384); // piece 1 lies inside sub/b.bin: one mapped slice
            try {
                if (kind == StoreKind.MMAP) {
                    assertTrue(inside.isReadOnly(), "a view of the user's file must not be writable");
                }
            } finally {
                inside.release();
            }
        }
    }

    /**
     * The event loop's fast path for seeding reads: once a file is open and mapped and its pages are in the page cache,
     * {@link PieceStore#readBlockIfResident} gives the same bytes as {@link PieceStore#readBlock}, an owned read-only
     * view, without blocking; blocks across files, ranges outside a piece, the positional store and a closed store
     * give null (the caller then takes the blocking path), never an exception.
     */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void readBlockIfResidentGivesReadBlocksBytesOrNull(StoreKind kind) throws Exception {
        TestTorrent t = odd();
        PieceStore s = open(t, kind, null, StoreOptions.builder().validateInterval(java.time.Duration.ofHours(1)).build());
        try (s) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
            s.readBlock(1, 0, 16384).release(); // opens, maps and checks b.bin
            int served = 0;
            for (int p = 0; p < t.pieceCount(); p++) {
                for (int off = 0; off < t.info().pieceSize(p); off += 16384) {
                    int len = Math.min(16384, t.info().pieceSize(p) - off);
                    ByteBuf b = s.readBlockIfResident(p, off, len);
                    if (b == null) {
                        continue;
                    }
                    served++;
                    assertEquals(1, b.refCnt());
                    assertTrue(b.isReadOnly(), "a view of the user's file must not be writable");
                    byte[] got = new byte[len];
                    b.getBytes(b.readerIndex(), got);
                    assertArrayEquals(java.util.Arrays.copyOfRange(t.piece(p), off, off + len), got);
                    assertTrue(b.release());
                }
            }
            if (kind == StoreKind.MMAP) {
                assertTrue(served > 0, "blocks of the mapped, cached b.bin are served at once");
                ByteBuf first = s.readBlockIfResident(1, 0, 16384);
                assertNotNull(first, "piece 1 lies inside b.bin, written and mapped");
                first.release();
            } else {
                assertEquals(0, served, "the positional store always reads on the disk executor");
            }
            assertNull(s.readBlockIfResident(1, -16384, 16384));
            assertNull(s.readBlockIfResident(1, t.info().pieceSize(1), 16384));
        }
        assertNull(s.readBlockIfResident(1, 0, 16384), "closed");
    }

    /**
     * Mappings are closed deterministically on pause: once released, no mapping of the torrent's files remains, except
     * one still referenced by a block buffer, which goes when the buffer is released.
     */
    @ParameterizedTest
    @EnumSource(value = StoreKind.class, names = "MMAP")
    void mappingsCloseOnReleaseAndWhenTheLastBlockIsReleased(StoreKind kind) throws Exception {
        TestTorrent t = odd();
        try (PieceStore s = open(t, kind)) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
            assertFalse(StorageTesting.mappingsUnder(dir).isEmpty(), "files are mapped while in use");
            ByteBuf held = s.readBlock(1, 0, 16384);
            byte[] before = new byte[16384];
            held.getBytes(0, before);
            s.release();
            List<String> left = StorageTesting.mappingsUnder(dir);
            assertEquals(1, left.size(), "only the mapping behind the held block remains: " + left);
            assertTrue(left.getFirst().contains("b.bin"), left.getFirst());
            byte[] after = new byte[16384];
            held.getBytes(0, after);
            assertArrayEquals(before, after, "the held block is still readable after release()");
            held.release();
            assertEquals(List.of(), StorageTesting.mappingsUnder(dir), "unmapped with the last buffer");
            assertArrayEquals(t.piece(2), readPiece(s, 2), "reopens on next use");
        }
        assertEquals(List.of(), StorageTesting.mappingsUnder(dir));
        assertEquals(0, StorageTesting.descriptorsUnder(dir));
    }

    /** The bounded pool: many files, few descriptors and mappings open at any time. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void openFilesStayWithinThePoolBound(StoreKind kind) throws Exception {
        TestTorrent.Builder b = TestTorrent.builder("many").pieceLength(16 * 1024);
        for (int i = 0; i < 40; i++) {
            b.file("f" + i + ".bin", 5_000 + i * 300);
        }
        TestTorrent t = b.build();
        try (Storage small = Storage.builder().openFileLimit(4).hashThreads(1).diskThreads(1).build();
             PieceStore s = small.openStore(StoreSpec.builder(t.info(), dir).kind(kind).build())) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
                assertTrue(small.openFiles() <= 4, "open handles " + small.openFiles());
                assertTrue(StorageTesting.descriptorsUnder(dir) <= 4 * (kind == StoreKind.MMAP ? 2 : 1),
                        "descriptors " + StorageTesting.descriptorsUnder(dir));
                assertTrue(StorageTesting.mappingsUnder(dir).size() <= 4 * 2);
            }
            for (int p = t.pieceCount() - 1; p >= 0; p--) {
                assertArrayEquals(t.piece(p), readPiece(s, p));
            }
            assertTrue(small.openFiles() <= 4);
        }
    }

    /** Deleted under a seeding torrent: detected on read, the file's pieces reported, nothing served. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void deletedFileIsDetectedOnRead(StoreKind kind) throws Exception {
        TestTorrent t = odd();
        StoreOptions always = StoreOptions.builder().validateInterval(Duration.ZERO).build();
        try (PieceStore s = open(t, kind, null, always)) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
            readPiece(s, 1); // b.bin open and cached
            Files.delete(t.pathIn(dir, 1));
            StorageException e = assertThrows(StorageException.class, () -> s.readBlock(1, 0, 16384));
            assertEquals(StorageException.Kind.FILES_MISSING, e.kind());
            FileEntry b = t.info().files().get(1);
            Bitfield expected = new Bitfield(t.pieceCount());
            for (int p = b.firstPiece(t.pieceLength()); p <= b.lastPiece(t.pieceLength()); p++) {
                expected.set(p);
            }
            assertEquals(expected, e.affectedPieces());
            assertArrayEquals(t.piece(t.pieceCount() - 1), readPiece(s, t.pieceCount() - 1), "others still served");
        }
    }

    /** Truncated under a seeding torrent: the pieces past the new end are reported; the rest is still served. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void truncatedFileIsDetectedOnRead(StoreKind kind) throws Exception {
        TestTorrent t = TestTorrent.builder("trunc").pieceLength(32 * 1024).file("x.bin", 300_000).build();
        StoreOptions always = StoreOptions.builder().validateInterval(Duration.ZERO).build();
        try (PieceStore s = open(t, kind, null, always)) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
            readPiece(s, 0);
            try (var ch = java.nio.channels.FileChannel.open(t.pathIn(dir, 0),
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(100_000);
            }
            StorageException e = assertThrows(StorageException.class, () -> readPiece(s, 5));
            assertEquals(StorageException.Kind.FILES_MISSING, e.kind());
            Bitfield affected = e.affectedPieces();
            assertNotNull(affected);
            assertEquals(3, affected.nextSet(0), "pieces from byte 100,000 on: " + affected);
            assertEquals(t.pieceCount() - 3, affected.count());
            assertArrayEquals(t.piece(1), readPiece(s, 1), "pieces before the cut are still served");
        }
    }

    /**
     * HARDENING.md SIGBUS: without validation, a mapped read past a truncated end faults; the JVM's InternalError
     * becomes a FILES_MISSING fault of the torrent, never a crash and never wrong bytes.
     */
    @ParameterizedTest
    @EnumSource(value = StoreKind.class, names = "MMAP")
    void mappedReadOfTruncatedFileIsAnIoFaultNotACrash(StoreKind kind) throws Exception {
        TestTorrent t = TestTorrent.builder("sigbus").pieceLength(64 * 1024).file("x.bin", 1 << 20).build();
        StoreOptions never = StoreOptions.builder().validateInterval(Duration.ofDays(1)).build();
        try (PieceStore s = open(t, kind, null, never)) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
            s.flush();
            readPiece(s, 0); // mapped, validated once at open
            try (var ch = java.nio.channels.FileChannel.open(t.pathIn(dir, 0),
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            StorageException copy = assertThrows(StorageException.class, () -> readPiece(s, 10));
            assertEquals(StorageException.Kind.FILES_MISSING, copy.kind());
            StorageException view = assertThrows(StorageException.class, () -> s.readBlock(12, 0, 16384));
            assertEquals(StorageException.Kind.FILES_MISSING, view.kind());
        }
    }

    /**
     * Path confinement: '..', absolute and separator components never lead outside the save directory. Whoever
     * catches them (the parser, which may sanitise or refuse, or the store, which refuses with PATH_ESCAPE), nothing
     * is ever written outside.
     */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void hostilePathsNeverLeaveTheSaveDirectory(StoreKind kind) throws Exception {
        Path save = Files.createDirectories(dir.resolve("deep").resolve("save"));
        for (List<String> path : List.of(List.of("..", "escape.bin"), List.of("a", "..", "..", "x"), List.of("/etc/x"),
                List.of("a/../../x"), List.of(""), List.of("."), List.of("nul\0byte"), List.of("back\\slash"))) {
            TestTorrent t;
            try {
                t = TestTorrent.builder("evil").file(path, new byte[100]).file("ok.bin", 10).build();
            } catch (io.hivemind.bt.wire.metainfo.MetainfoException refusedByParser) {
                continue;
            }
            try (PieceStore s = storage.openStore(StoreSpec.builder(t.info(), save).kind(kind).build())) {
                for (int p = 0; p < t.pieceCount(); p++) {
                    writePiece(s, t, p); // the parser made the names safe: they land inside
                }
            } catch (StorageException e) {
                assertEquals(StorageException.Kind.PATH_ESCAPE, e.kind(), path.toString());
            }
            try (var all = Files.walk(dir)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    assertTrue(p.startsWith(save), path + " wrote " + p);
                }
            }
        }
    }

    /** Symlinks that escape the save directory are refused at open time; symlinks inside it are followed. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void symlinksMustStayInsideTheSaveDirectory(StoreKind kind) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path save = Files.createDirectories(dir.resolve("save"));
        TestTorrent t = TestTorrent.builder("t").pieceLength(16 * 1024).file("sub/a.bin", 20_000)
                .file("b.bin", 20_000).build();
        Files.createDirectories(save.resolve("t"));
        Files.createSymbolicLink(save.resolve("t").resolve("sub"), outside);
        try (PieceStore s = storage.openStore(StoreSpec.builder(t.info(), save).kind(kind).build())) {
            StorageException e = assertThrows(StorageException.class, () -> writePiece(s, t, 0));
            assertEquals(StorageException.Kind.PATH_ESCAPE, e.kind());
            try (var list = Files.list(outside)) {
                assertEquals(0, list.count(), "nothing written outside");
            }
        }
        // a file symlink to outside
        Files.delete(save.resolve("t").resolve("sub"));
        Files.createDirectories(save.resolve("t").resolve("sub"));
        Path victim = Files.write(outside.resolve("victim"), new byte[] {1, 2, 3});
        Files.createSymbolicLink(save.resolve("t").resolve("sub").resolve("a.bin"), victim);
        try (PieceStore s = storage.openStore(StoreSpec.builder(t.info(), save).kind(kind).build())) {
            StorageException e = assertThrows(StorageException.class, () -> writePiece(s, t, 0));
            assertEquals(StorageException.Kind.PATH_ESCAPE, e.kind());
            StorageException r = assertThrows(StorageException.class, () -> readPiece(s, 0));
            assertEquals(StorageException.Kind.PATH_ESCAPE, r.kind());
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(victim), "victim untouched");
        // a symlink that stays inside is fine
        Files.delete(save.resolve("t").resolve("sub").resolve("a.bin"));
        Path inside = Files.createDirectories(save.resolve("elsewhere"));
        Files.delete(save.resolve("t").resolve("sub"));
        Files.createSymbolicLink(save.resolve("t").resolve("sub"), inside);
        try (PieceStore s = storage.openStore(StoreSpec.builder(t.info(), save).kind(kind).build())) {
            for (int p = 0; p < t.pieceCount(); p++) {
                writePiece(s, t, p);
            }
        }
        assertArrayEquals(t.data(0), Files.readAllBytes(inside.resolve("a.bin")));
    }

    /** Reading a file that was never written is a FILES_MISSING fault, and creates nothing. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void readingMissingFilesCreatesNothing(StoreKind kind) throws Exception {
        TestTorrent t = odd();
        try (PieceStore s = open(t, kind)) {
            StorageException e = assertThrows(StorageException.class, () -> readPiece(s, 0));
            assertEquals(StorageException.Kind.FILES_MISSING, e.kind());
            assertNotNull(e.affectedPieces());
            assertTrue(e.affectedPieces().get(0));
            for (FileStatus st : s.fileStatus()) {
                assertFalse(st.exists(), st.toString());
            }
        }
        try (var list = Files.list(dir)) {
            assertEquals(0, list.count(), "nothing created by reads");
        }
    }

    /** Closed stores refuse work with a typed fault. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void closedStoreRefuses(StoreKind kind) {
        TestTorrent t = odd();
        PieceStore s = open(t, kind);
        s.close();
        s.close();
        StorageException e = assertThrows(StorageException.class, () -> writePiece(s, t, 0));
        assertEquals(StorageException.Kind.CLOSED, e.kind());
    }
}
