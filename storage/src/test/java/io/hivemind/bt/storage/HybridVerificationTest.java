package io.hivemind.bt.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 52 hybrid torrents verify both hashes: SHA-1 over the piece (pad bytes included, BEP 47) and the SHA-256
 * merkle root of the file data in it (16 KiB leaves, zero padding), checked against torrents made by libtorrent.
 */
class HybridVerificationTest {
    private static final int BLOCK = 16 * 1024;

    @TempDir
    Path dir;
    Storage storage;
    byte[] torrent;
    InfoDictionary info;
    PieceHashes hashes;
    Path save;

    @BeforeEach
    void setUp() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src").resolve("data"));
        Random r = new Random(11);
        // a multi-piece file with a short last piece, an exactly-one-block file, a one-piece file of three blocks,
        // a tiny file: every v2 geometry (layer entries, single-piece roots of 1 and 4 leaves) and pad files
        int[] sizes = {300_000, 16_384, 40_000, 777};
        String[] names = {"a.bin", "b.bin", "c.bin", "d.bin"};
        for (int i = 0; i < sizes.length; i++) {
            byte[] b = new byte[sizes[i]];
            r.nextBytes(b);
            Files.write(src.resolve(names[i]), b);
        }
        torrent = LibtorrentTorrents.create(dir.resolve("src"), "data", 64 * 1024, "hybrid");
        info = Metainfo.parse(torrent).info(); // the v1 view (the first-cut parser reads v1 only)
        assertTrue(info.files().stream().anyMatch(FileEntry::isPad), "libtorrent pads hybrid torrents");
        hashes = LibtorrentTorrents.hybridHashes(torrent, info);
        storage = StorageTesting.storage();
        save = Files.createDirectories(dir.resolve("save"));
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    private byte[] piece(int p) throws Exception {
        // the piece's bytes from the source files (pad zeros included)
        byte[] out = new byte[info.pieceSize(p)];
        long start = p * info.pieceLength();
        for (FileEntry f : info.files()) {
            long from = Math.max(start, f.offset());
            long to = Math.min(start + out.length, f.end());
            if (from >= to || f.isPad()) {
                continue;
            }
            byte[] data = Files.readAllBytes(dir.resolve("src").resolve("data").resolve(f.pathString()));
            System.arraycopy(data, (int) (from - f.offset()), out, (int) (from - start), (int) (to - from));
        }
        return out;
    }

    private PieceResult feed(TorrentStorage ts, int p, byte[] data) throws Exception {
        PieceBuffer pb = ts.begin(p);
        assertNotNull(pb);
        for (int off = 0; off < data.length; off += BLOCK) {
            int len = Math.min(BLOCK, data.length - off);
            ByteBuf b = Unpooled.directBuffer(len).writeBytes(data, off, len);
            pb.add(off, b, 1);
        }
        return pb.result().get(30, TimeUnit.SECONDS);
    }

    @Test
    void everyPieceVerifiesBothHashes() throws Exception {
        try (TorrentStorage ts = storage.open(StoreSpec.builder(info, save).hashes(hashes).build())) {
            for (int p = 0; p < info.pieceCount(); p++) {
                assertNotNull(hashes.v2Hash(p), "libtorrent gave a v2 hash for piece " + p);
                PieceResult r = feed(ts, p, piece(p));
                assertInstanceOf(PieceResult.Verified.class, r, "piece " + p + ": " + r);
            }
            ts.flush().get(30, TimeUnit.SECONDS);
            Bitfield all = ts.recheck(null, Recheck.Progress.NONE).get(60, TimeUnit.SECONDS);
            assertTrue(all.isFull(), "recheck verifies both hashes too: " + all);
        }
    }

    @Test
    void aFlippedDataByteFailsBothHashes() throws Exception {
        try (TorrentStorage ts = storage.open(StoreSpec.builder(info, save).hashes(hashes).build())) {
            byte[] bad = piece(1);
            bad[20_000] ^= 0x40;
            PieceResult.HashFailed f = assertInstanceOf(PieceResult.HashFailed.class, feed(ts, 1, bad));
            assertTrue(f.v1Mismatch());
            assertTrue(f.v2Mismatch());
        }
    }

    /** A non-zero pad byte: only v1 covers pad files, and it catches it (BEP 47: pad bytes are zeros). */
    @Test
    void aNonZeroPadByteFailsV1Only() throws Exception {
        int p = -1;
        for (int i = 0; i < info.pieceCount() && p < 0; i++) {
            long start = i * info.pieceLength();
            FileEntry last = info.files().get(info.fileIndexAt(start + info.pieceSize(i) - 1));
            if (last.isPad()) {
                p = i;
            }
        }
        assertTrue(p >= 0);
        try (TorrentStorage ts = storage.open(StoreSpec.builder(info, save).hashes(hashes).build())) {
            byte[] bad = piece(p);
            bad[bad.length - 1] = 1;
            PieceResult.HashFailed f = assertInstanceOf(PieceResult.HashFailed.class, feed(ts, p, bad));
            assertTrue(f.v1Mismatch());
            assertFalse(f.v2Mismatch(), "the pad byte is outside the v2 data");
        }
    }

    /** The v2 hash is really checked: with a wrong v2 expectation, correct data fails on v2 alone. */
    @Test
    void v2IsCheckedIndependently() throws Exception {
        PieceHashes wrongV2 = new PieceHashes() {
            @Override
            public boolean hasV1() {
                return true;
            }

            @Override
            public boolean hasV2() {
                return true;
            }

            @Override
            public boolean v1Equals(int piece, byte[] sha1, int offset) {
                return hashes.v1Equals(piece, sha1, offset);
            }

            @Override
            public byte[] v2Hash(int piece) {
                byte[] h = hashes.v2Hash(piece);
                h[0] ^= 1;
                return h;
            }
        };
        try (TorrentStorage ts = storage.open(StoreSpec.builder(info, save).hashes(wrongV2).build())) {
            PieceResult.HashFailed f = assertInstanceOf(PieceResult.HashFailed.class, feed(ts, 0, piece(0)));
            assertFalse(f.v1Mismatch());
            assertTrue(f.v2Mismatch());
        }
        assertFalse(Files.exists(save.resolve("data").resolve("a.bin")), "nothing written");
        assertEquals(0, storage.pieceBuffers().inUse());
    }
}
