package io.hivemind.bt.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.storage.resume.ResumeData;
import io.hivemind.bt.storage.resume.ResumeStore;
import io.hivemind.bt.wire.bits.Bitfield;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session-facing API: async reads, resume save and start-up, state on faults. */
class TorrentStorageTest {
    private static final int BLOCK = 16 * 1024;
    @TempDir
    Path dir;
    Storage storage;
    ExecutorService loop;
    Thread loopThread;

    @BeforeEach
    void setUp() throws Exception {
        storage = StorageTesting.storage();
        loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
        loopThread = loop.submit(Thread::currentThread).get();
    }

    @AfterEach
    void tearDown() throws Exception {
        storage.close();
        loop.shutdown();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
    }

    static TestTorrent torrent() {
        return TestTorrent.builder("ts").pieceLength(32 * 1024).file("a.bin", 100_000).file("b.bin", 80_000).build();
    }

    private TorrentStorage open(TestTorrent t, Path save, StoreOptions options) {
        return storage.open(StoreSpec.builder(t.info(), save).hashes(t.hashes()).options(options)
                .callbackExecutor(loop).build());
    }

    static void download(TorrentStorage ts, TestTorrent t, int piece) throws Exception {
        PieceBuffer pb = ts.begin(piece);
        byte[] data = t.piece(piece);
        for (int off = 0; off < data.length; off += BLOCK) {
            int len = Math.min(BLOCK, data.length - off);
            pb.add(off, Unpooled.wrappedBuffer(data, off, len), 1);
        }
        assertInstanceOf(PieceResult.Verified.class, pb.result().get(30, TimeUnit.SECONDS));
    }

    @Test
    void readBlockCompletesOnTheCallbackExecutorWithAnOwnedBuffer() throws Exception {
        TestTorrent t = torrent();
        t.writeTo(dir);
        try (TorrentStorage ts = open(t, dir, StoreOptions.DEFAULT)) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            // hold the callback executor until the listener is registered: a future that completed before
            // whenComplete would run the listener on this thread, which says nothing about the storage
            java.util.concurrent.CountDownLatch registered = new java.util.concurrent.CountDownLatch(1);
            loop.execute(() -> {
                try {
                    registered.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            java.util.concurrent.CompletableFuture<ByteBuf> read = ts.readBlock(2, BLOCK, BLOCK)
                    .whenComplete((v, e) -> thread.set(Thread.currentThread()));
            registered.countDown();
            ByteBuf b = read.get(30, TimeUnit.SECONDS);
            try {
                assertEquals(loopThread, thread.get());
                byte[] got = new byte[BLOCK];
                b.getBytes(b.readerIndex(), got);
                assertArrayEquals(java.util.Arrays.copyOfRange(t.piece(2), BLOCK, 2 * BLOCK), got);
            } finally {
                b.release();
            }
        }
    }

    /** Resume data saved after a flush is trusted at the next start: no piece is hashed again. */
    @Test
    void savedResumeDataIsTrustedWhenFilesAreUnchanged() throws Exception {
        TestTorrent t = torrent();
        ResumeStore rs = new ResumeStore(dir.resolve("state"));
        Path save = dir.resolve("save");
        Bitfield have = new Bitfield(t.pieceCount());
        try (TorrentStorage ts = open(t, save, StoreOptions.DEFAULT)) {
            for (int p = 0; p < t.pieceCount(); p += 2) {
                download(ts, t, p);
                have.set(p);
            }
            ResumeData template = ResumeData.initial(new byte[20], t.pieceCount(), t.info().files().size(),
                    save.toString(), 1).withPieces(have);
            ResumeData saved = ts.saveResume(rs, "t", template).get(30, TimeUnit.SECONDS);
            assertTrue(saved.files().getFirst().exists());
            assertTrue(saved.files().getFirst().mtimeNanos() > 0);
        }
        ResumeStore.Loaded loaded = rs.load("t");
        assertEquals(ResumeStore.Source.PRIMARY, loaded.source());
        try (TorrentStorage ts = open(t, save, StoreOptions.DEFAULT)) {
            List<Integer> progress = new CopyOnWriteArrayList<>();
            TorrentStorage.StartResult r = ts.start(new byte[20], loaded.data(), (c, total, b) -> progress.add(c))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(have, r.verified());
            assertTrue(r.plan().recheck().isEmpty());
            assertEquals(List.of(), progress, "nothing hashed");
        }
        // touch b.bin: its pieces are rechecked, and still verify
        Files.setLastModifiedTime(t.pathIn(save, 1), FileTime.fromMillis(12345));
        try (TorrentStorage ts = open(t, save, StoreOptions.DEFAULT)) {
            TorrentStorage.StartResult r = ts.start(new byte[20], loaded.data(), Recheck.Progress.NONE)
                    .get(30, TimeUnit.SECONDS);
            assertEquals(have, r.verified());
            assertFalse(r.plan().recheck().isEmpty());
            assertArrayEquals(new int[] {1}, r.plan().changedFiles());
        }
        // no resume data: full recheck, same answer
        try (TorrentStorage ts = open(t, save, StoreOptions.DEFAULT)) {
            TorrentStorage.StartResult r = ts.start(new byte[20], null, Recheck.Progress.NONE)
                    .get(30, TimeUnit.SECONDS);
            assertTrue(r.plan().fullRecheck());
            assertEquals(have, r.verified());
        }
    }

    /** A file deleted under a seeding torrent: the read fails, the state says so and names the pieces. */
    @Test
    void deletedFileTurnsStateToFilesMissing() throws Exception {
        TestTorrent t = torrent();
        t.writeTo(dir);
        StoreOptions always = StoreOptions.builder().validateInterval(Duration.ZERO).build();
        try (TorrentStorage ts = open(t, dir, always)) {
            List<StorageState> seen = new CopyOnWriteArrayList<>();
            ts.onStateChange(seen::add);
            ts.readBlock(0, 0, BLOCK).get(30, TimeUnit.SECONDS).release();
            Files.delete(t.pathIn(dir, 0));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> ts.readBlock(0, 0, BLOCK).get(30, TimeUnit.SECONDS));
            StorageException se = assertInstanceOf(StorageException.class, e.getCause());
            assertEquals(StorageException.Kind.FILES_MISSING, se.kind());
            StorageState s = ts.state();
            assertEquals(StorageState.Status.FILES_MISSING, s.status());
            assertTrue(s.message().contains("files missing"), s.message());
            assertTrue(s.missingPieces().get(0) && s.missingPieces().get(3) && !s.missingPieces().get(4),
                    s.missingPieces().toString());
            assertTrue(s.uploadOnly());
            assertFalse(ts.writable());
            // listeners run on the callback executor
            loop.submit(() -> { }).get();
            assertEquals(1, seen.size());
            ts.clearError();
            assertEquals(StorageState.Status.OK, ts.state().status());
        }
    }

    @Test
    void prioritiesChangeAsynchronously() throws Exception {
        TestTorrent t = torrent();
        Path save = dir.resolve("s");
        try (TorrentStorage ts = storage.open(StoreSpec.builder(t.info(), save).hashes(t.hashes())
                .priorities(new int[] {1, 0}).callbackExecutor(loop).build())) {
            for (int p = 0; p < t.pieceCount(); p++) {
                download(ts, t, p);
            }
            assertFalse(Files.exists(t.pathIn(save, 1)));
            ts.setFilePriorities(new int[] {1, 1}).get(30, TimeUnit.SECONDS);
            assertArrayEquals(t.data(1), Files.readAllBytes(t.pathIn(save, 1)));
            assertNotNull(ts.fileStatus().get(30, TimeUnit.SECONDS));
        }
    }
}
