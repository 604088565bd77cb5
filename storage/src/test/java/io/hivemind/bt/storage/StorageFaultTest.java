package io.hivemind.bt.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bits.Bitfield;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HARDENING.md faults on a real small file system: disk full (ENOSPC) and a read-only target turn the torrent
 * upload-only with a clear message, lose nothing verified, keep seeding, and download again once fixed.
 */
class StorageFaultTest {
    private static final int BLOCK = 16 * 1024;
    @TempDir
    Path dir;
    Path mnt;
    Storage storage;

    @BeforeEach
    void setUp() throws Exception {
        mnt = Files.createDirectories(dir.resolve("mnt"));
        storage = StorageTesting.storage();
    }

    @AfterEach
    void tearDown() {
        storage.close();
        Mounts.unmount(mnt);
    }

    private static PieceResult download(TorrentStorage ts, TestTorrent t, int piece) throws Exception {
        PieceBuffer pb = ts.begin(piece);
        byte[] data = t.piece(piece);
        for (int off = 0; off < data.length; off += BLOCK) {
            pb.add(off, Unpooled.wrappedBuffer(data, off, Math.min(BLOCK, data.length - off)), 1);
        }
        return pb.result().get(30, TimeUnit.SECONDS);
    }

    private static byte[] read(TorrentStorage ts, int piece, int off, int len) throws Exception {
        ByteBuf b = ts.readBlock(piece, off, len).get(30, TimeUnit.SECONDS);
        try {
            byte[] out = new byte[len];
            b.getBytes(b.readerIndex(), out);
            return out;
        } finally {
            b.release();
        }
    }

    /** ENOSPC on a 2 MiB tmpfs: error state at the first failed write, seeding continues, resumes after cleanup. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void diskFullIsUploadOnlyAndRecovers(StoreKind kind) throws Exception {
        Mounts.tmpfs(mnt, "2m");
        Path filler = mnt.resolve("filler");
        Files.write(filler, new byte[1536 * 1024]); // leaves about 512 KiB
        TestTorrent t = TestTorrent.builder("full").pieceLength(64 * 1024).file("big.bin", 1 << 20).build();
        Bitfield have = new Bitfield(t.pieceCount());
        int failed = -1;
        try (TorrentStorage ts = storage.open(StoreSpec.builder(t.info(), mnt).hashes(t.hashes()).kind(kind)
                .build())) {
            for (int p = 0; p < t.pieceCount(); p++) {
                PieceResult r = download(ts, t, p);
                if (r instanceof PieceResult.Verified) {
                    have.set(p);
                    continue;
                }
                PieceResult.IoFailed f = assertInstanceOf(PieceResult.IoFailed.class, r, r.toString());
                assertEquals(StorageException.Kind.DISK_FULL, f.error().kind(), f.error().toString());
                failed = p;
                break;
            }
            assertTrue(failed > 0, "the disk filled up after " + have.count() + " pieces");
            StorageState s = ts.state();
            assertEquals(StorageState.Status.DISK_FULL, s.status());
            assertTrue(s.message().startsWith("disk full"), s.message());
            assertTrue(s.uploadOnly());
            assertFalse(ts.writable(), "no retry before the retry interval");

            // keeps seeding what it has, and nothing verified was lost
            for (int p = have.nextSet(0); p >= 0; p = have.nextSet(p + 1)) {
                assertArrayEquals(java.util.Arrays.copyOf(t.piece(p), BLOCK), read(ts, p, 0, BLOCK));
            }
            Bitfield rechecked = ts.recheck(have, Recheck.Progress.NONE).get(60, TimeUnit.SECONDS);
            assertEquals(have, rechecked);

            // space freed: the same piece now writes, the error clears, the download completes
            Files.delete(filler);
            for (int p = failed; p < t.pieceCount(); p++) {
                assertInstanceOf(PieceResult.Verified.class, download(ts, t, p), "piece " + p);
            }
            assertEquals(StorageState.Status.OK, ts.state().status());
            ts.flush().get(30, TimeUnit.SECONDS);
        }
        assertArrayEquals(t.data(0), Files.readAllBytes(t.pathIn(mnt, 0)));
    }

    /** Full preallocation finds a full disk when the file is created, before any piece is lost in transit. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void fullPreallocationFailsEarlyOnASmallDisk(StoreKind kind) throws Exception {
        Mounts.tmpfs(mnt, "1m");
        TestTorrent t = TestTorrent.builder("pre").pieceLength(64 * 1024).file("big.bin", 2 << 20).build();
        StoreOptions full = StoreOptions.builder().kind(kind).allocation(Allocation.FULL).build();
        try (TorrentStorage ts = storage.open(StoreSpec.builder(t.info(), mnt).hashes(t.hashes()).options(full)
                .build())) {
            PieceResult.IoFailed f = assertInstanceOf(PieceResult.IoFailed.class, download(ts, t, 0));
            assertEquals(StorageException.Kind.DISK_FULL, f.error().kind(), f.error().toString());
        }
    }

    /** A read-only target: upload-only with a clear message, still seeds, downloads again once writable. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void readOnlyTargetIsUploadOnlyAndRecovers(StoreKind kind) throws Exception {
        Mounts.tmpfs(mnt, "4m");
        TestTorrent t = TestTorrent.builder("ro").pieceLength(32 * 1024).file("a.bin", 100_000)
                .file("b.bin", 100_000).build();
        StoreOptions opts = StoreOptions.builder().kind(kind).diskFullRetry(Duration.ZERO).build();
        try (TorrentStorage ts = storage.open(StoreSpec.builder(t.info(), mnt).hashes(t.hashes()).options(opts)
                .build())) {
            assertInstanceOf(PieceResult.Verified.class, download(ts, t, 0));
            ts.flush().get(30, TimeUnit.SECONDS);
            ts.pause().get(30, TimeUnit.SECONDS); // a tmpfs refuses to go read-only under open writable files
            Mounts.remount(mnt, true);
            PieceResult.IoFailed f = assertInstanceOf(PieceResult.IoFailed.class, download(ts, t, 5));
            assertEquals(StorageException.Kind.READ_ONLY, f.error().kind(), f.error().toString());
            assertEquals(StorageState.Status.READ_ONLY, ts.state().status());
            assertTrue(ts.state().message().contains("read-only"), ts.state().message());
            assertArrayEquals(java.util.Arrays.copyOf(t.piece(0), BLOCK), read(ts, 0, 0, BLOCK), "still seeds");
            assertTrue(ts.writable(), "retry interval of zero: may try again at once");

            ts.pause().get(30, TimeUnit.SECONDS);
            Mounts.remount(mnt, false);
            assertInstanceOf(PieceResult.Verified.class, download(ts, t, 5));
            assertEquals(StorageState.Status.OK, ts.state().status());
        }
    }
}
