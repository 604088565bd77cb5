package io.hivemind.bt.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bits.Bitfield;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Recheck finds exactly the pieces whose data is on disk and correct, with any number of workers. */
class RecheckTest {
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

    static TestTorrent torrent() {
        return TestTorrent.builder("rc").pieceLength(32 * 1024).pad(false)
                .file("a.bin", 100_000).file("b.bin", 3_000).file("c/d.bin", 250_000).file("e.bin", 60_000).build();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void findsCompleteDataAndOnlyThat(StoreKind kind) throws Exception {
        TestTorrent t = torrent();
        t.writeTo(dir);
        // corrupt one byte in piece 4 (inside c/d.bin)
        Path d = t.pathIn(dir, 2);
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), 4L * 32 * 1024 - 103_000 + 17);
        }
        // e.bin missing entirely
        Files.delete(t.pathIn(dir, 3));
        try (PieceStore s = storage.openStore(StoreSpec.builder(t.info(), dir).kind(kind).build())) {
            AtomicInteger lastChecked = new AtomicInteger();
            AtomicLong bytes = new AtomicLong();
            Bitfield one = Recheck.runBlocking(s, t.hashes(), null, storage.hashExecutor(), 1, (c, total, b) -> {
                lastChecked.accumulateAndGet(c, Math::max);
                bytes.accumulateAndGet(b, Math::max);
                assertEquals(t.pieceCount(), total);
            });
            Bitfield two = Recheck.runBlocking(s, t.hashes(), null, storage.hashExecutor(), 2, Recheck.Progress.NONE);
            assertEquals(one, two, "same answer whatever the parallelism");
            assertEquals(t.pieceCount(), lastChecked.get(), "progress reaches the total");
            assertTrue(bytes.get() > 0);
            assertFalse(one.get(4), "corrupt piece");
            long eStart = 353_000;
            int firstE = (int) (eStart / (32 * 1024));
            for (int p = 0; p < t.pieceCount(); p++) {
                boolean expected = p != 4 && p < firstE;
                assertEquals(expected, one.get(p), "piece " + p);
            }
            assertTrue(Files.notExists(t.pathIn(dir, 3)), "recheck created nothing");

            Bitfield only = new Bitfield(t.pieceCount());
            only.set(0);
            only.set(4);
            Bitfield some = Recheck.runBlocking(s, t.hashes(), only, storage.hashExecutor(), 2,
                    Recheck.Progress.NONE);
            assertEquals(1, some.count());
            assertTrue(some.get(0));
        }
    }

    /** A file truncated under an open (mapped) store: recheck reports its tail missing, never crashes (SIGBUS). */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void truncatedUnderAnOpenStore(StoreKind kind) throws Exception {
        TestTorrent t = TestTorrent.builder("tr").pieceLength(32 * 1024).file("x.bin", 640 * 1024).build();
        t.writeTo(dir);
        StoreOptions lazy = StoreOptions.builder().kind(kind).validateInterval(java.time.Duration.ofDays(1)).build();
        try (PieceStore s = storage.openStore(StoreSpec.builder(t.info(), dir).options(lazy).build())) {
            assertTrue(Recheck.runBlocking(s, t.hashes(), null, storage.hashExecutor(), 2, Recheck.Progress.NONE)
                    .isFull());
            try (FileChannel ch = FileChannel.open(t.pathIn(dir, 0), StandardOpenOption.WRITE)) {
                ch.truncate(200 * 1024);
            }
            Bitfield after = Recheck.runBlocking(s, t.hashes(), null, storage.hashExecutor(), 2,
                    Recheck.Progress.NONE);
            for (int p = 0; p < t.pieceCount(); p++) {
                assertEquals((p + 1) * 32 * 1024 <= 200 * 1024, after.get(p), "piece " + p + ": " + after);
            }
        }
    }
}
