package io.hivemind.bt.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.storage.PieceBuffer.AddResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Verify-before-write: blocks in, hashes checked, only verified pieces written. */
class PieceBufferTest {
    private static final int BLOCK = 16 * 1024;

    @TempDir
    Path dir;
    Storage storage;
    ExecutorService loop;
    Thread loopThread;

    @BeforeEach
    void setUp() throws Exception {
        storage = Storage.builder().hashThreads(2).diskThreads(1).pieceBufferBudget(1 << 20).build();
        loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-event-loop"));
        loopThread = loop.submit(Thread::currentThread).get();
    }

    @AfterEach
    void tearDown() throws Exception {
        storage.close();
        loop.shutdown();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
    }

    private TorrentStorage open(TestTorrent t, StoreKind kind) {
        return storage.open(StoreSpec.builder(t.info(), dir).hashes(t.hashes()).kind(kind).callbackExecutor(loop)
                .build());
    }

    private static TestTorrent torrent() {
        return TestTorrent.builder("pb").pieceLength(128 * 1024).file("a.bin", 200_000).file("b.bin", 150_000)
                .build();
    }

    /** Runs {@code r} on the test's event loop and waits. */
    private <T> T onLoop(java.util.concurrent.Callable<T> r) throws Exception {
        return loop.submit(r).get(30, TimeUnit.SECONDS);
    }

    private static ByteBuf block(byte[] piece, int offset) {
        int len = Math.min(BLOCK, piece.length - offset);
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(len);
        b.writeBytes(piece, offset, len);
        return b;
    }

    private static List<Integer> shuffledOffsets(int size, long seed) {
        List<Integer> offs = new ArrayList<>();
        for (int o = 0; o < size; o += BLOCK) {
            offs.add(o);
        }
        Collections.shuffle(offs, new Random(seed));
        return offs;
    }

    /** Feeds a whole piece in the given order on the loop; returns the result. */
    private PieceResult feed(TorrentStorage ts, int piece, byte[] data, List<Integer> order, int peer)
            throws Exception {
        PieceBuffer pb = onLoop(() -> ts.begin(piece));
        assertNotNull(pb);
        List<ByteBuf> inputs = new ArrayList<>();
        onLoop(() -> {
            for (int off : order) {
                ByteBuf b = block(data, off);
                inputs.add(b);
                AddResult r = pb.add(off, b, peer);
                assertTrue(r == AddResult.ACCEPTED || r == AddResult.COMPLETE, r.toString());
            }
            return null;
        });
        for (ByteBuf b : inputs) {
            assertEquals(0, b.refCnt(), "input released");
        }
        return pb.result().get(30, TimeUnit.SECONDS);
    }

    /** BEP 3: a piece whose SHA-1 matches is written; blocks may come in any order. */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void verifiedPiecesAreWrittenWhateverTheBlockOrder(StoreKind kind) throws Exception {
        TestTorrent t = torrent();
        try (TorrentStorage ts = open(t, kind)) {
            for (int p = 0; p < t.pieceCount(); p++) {
                PieceResult r = feed(ts, p, t.piece(p), shuffledOffsets(t.info().pieceSize(p), p), 7);
                assertInstanceOf(PieceResult.Verified.class, r, r.toString());
                assertNull(((PieceResult.Verified) r).blockHashes());
            }
            ts.flush().get(30, TimeUnit.SECONDS);
        }
        assertArrayEquals(t.data(0), Files.readAllBytes(t.pathIn(dir, 0)));
        assertArrayEquals(t.data(1), Files.readAllBytes(t.pathIn(dir, 1)));
        assertEquals(0, storage.pieceBuffers().inUse(), "all memory back in the pool");
    }

    /** Results are delivered on the caller's executor, never on a hashing or disk thread. */
    @Test
    void resultsArriveOnTheCallbackExecutor() throws Exception {
        TestTorrent t = torrent();
        try (TorrentStorage ts = open(t, StoreKind.POSITIONAL)) {
            PieceBuffer pb = onLoop(() -> ts.begin(0));
            AtomicReference<Thread> seen = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            pb.result().thenRun(() -> {
                seen.set(Thread.currentThread());
                done.countDown();
            });
            onLoop(() -> {
                for (int off : shuffledOffsets(t.info().pieceSize(0), 1)) {
                    pb.add(off, block(t.piece(0), off), 1);
                }
                return null;
            });
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(loopThread, seen.get());
        }
    }

    /**
     * The seed's promise: a piece that fails its hash never reaches the file, and the failure names the peer of every
     * block and every block's hash (HARDENING.md smart ban).
     */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void failingPieceIsDroppedAndReportedWithItsPeers(StoreKind kind) throws Exception {
        TestTorrent t = torrent();
        try (TorrentStorage ts = open(t, kind)) {
            byte[] bad = t.piece(1);
            bad[3 * BLOCK + 5] ^= 1; // block 3 is a lie
            PieceBuffer pb = onLoop(() -> ts.begin(1));
            onLoop(() -> {
                for (int off = 0; off < bad.length; off += BLOCK) {
                    pb.add(off, block(bad, off), off == 3 * BLOCK ? 66 : 10 + off / BLOCK % 2);
                }
                return null;
            });
            PieceResult r = pb.result().get(30, TimeUnit.SECONDS);
            PieceResult.HashFailed f = assertInstanceOf(PieceResult.HashFailed.class, r);
            assertTrue(f.v1Mismatch());
            assertFalse(f.v2Mismatch());
            assertEquals(66, f.blockPeers()[3]);
            assertArrayEquals(new int[] {10, 11, 66}, f.peers());
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(bad, 3 * BLOCK, BLOCK);
            assertArrayEquals(sha1.digest(), f.blockHashes()[3]);
            sha1.update(t.piece(1), 3 * BLOCK, BLOCK);
            assertFalse(Arrays.equals(sha1.digest(), f.blockHashes()[3]), "the lie's hash differs from the truth");
            assertEquals(8, f.blockHashes().length);

            // no unverified byte on disk: the files were not even created
            assertFalse(Files.exists(t.pathIn(dir, 0)));
            assertFalse(Files.exists(t.pathIn(dir, 1)));

            // the good piece then verifies, with block hashes for smart ban when asked
            PieceBuffer again = onLoop(() -> ts.begin(1, true));
            onLoop(() -> {
                for (int off = 0; off < bad.length; off += BLOCK) {
                    again.add(off, block(t.piece(1), off), 12);
                }
                return null;
            });
            PieceResult.Verified v = assertInstanceOf(PieceResult.Verified.class,
                    again.result().get(30, TimeUnit.SECONDS));
            assertNotNull(v.blockHashes());
            assertFalse(Arrays.equals(v.blockHashes()[3], f.blockHashes()[3]));
            assertArrayEquals(v.blockHashes()[2], f.blockHashes()[2]);
        }
        assertEquals(0, storage.pieceBuffers().inUse());
    }

    /** Duplicates, bad offsets and wrong lengths are refused and their buffers still released. */
    @Test
    void badBlocksAreRefusedAndReleased() throws Exception {
        TestTorrent t = torrent();
        try (TorrentStorage ts = open(t, StoreKind.POSITIONAL)) {
            int last = t.pieceCount() - 1;
            int size = t.info().pieceSize(last);
            assertTrue(size % BLOCK != 0, "last piece ends in a short block");
            PieceBuffer pb = onLoop(() -> ts.begin(last));
            onLoop(() -> {
                ByteBuf a = block(t.piece(last), 0);
                assertEquals(AddResult.ACCEPTED, pb.add(0, a, 1));
                ByteBuf dup = block(t.piece(last), 0);
                assertEquals(AddResult.DUPLICATE, pb.add(0, dup, 2));
                ByteBuf odd = Unpooled.buffer(BLOCK).writeZero(BLOCK);
                assertEquals(AddResult.INVALID, pb.add(100, odd, 3));
                ByteBuf beyond = Unpooled.buffer(BLOCK).writeZero(BLOCK);
                assertEquals(AddResult.INVALID, pb.add(size + BLOCK, beyond, 3));
                ByteBuf shortOne = Unpooled.buffer(10).writeZero(10);
                assertEquals(AddResult.INVALID, pb.add(BLOCK, shortOne, 3));
                ByteBuf negative = Unpooled.buffer(BLOCK).writeZero(BLOCK);
                assertEquals(AddResult.INVALID, pb.add(-BLOCK, negative, 3));
                for (ByteBuf b : List.of(a, dup, odd, beyond, shortOne, negative)) {
                    assertEquals(0, b.refCnt());
                }
                assertEquals(1, pb.receivedBlocks());
                assertTrue(pb.hasBlock(0));
                assertFalse(pb.hasBlock(1));
                pb.abandon();
                ByteBuf after = block(t.piece(last), BLOCK);
                assertEquals(AddResult.CLOSED, pb.add(BLOCK, after, 1));
                assertEquals(0, after.refCnt());
                return null;
            });
            assertInstanceOf(PieceResult.Abandoned.class, pb.result().get(30, TimeUnit.SECONDS));
        }
        assertEquals(0, storage.pieceBuffers().inUse());
    }

    /**
     * Backpressure: when the budget is spent, begin returns null (no OOM); the pool announces when memory frees, and
     * the started pieces complete.
     */
    @Test
    void budgetExhaustionIsBackpressureNotOom() throws Exception {
        TestTorrent t = torrent(); // 128 KiB pieces, budget 1 MiB: 8 pieces at most
        CountDownLatch available = new CountDownLatch(1);
        storage.pieceBuffers().onAvailable(available::countDown);
        try (TorrentStorage ts = open(t, StoreKind.POSITIONAL)) {
            List<PieceBuffer> started = onLoop(() -> {
                List<PieceBuffer> l = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    PieceBuffer pb = ts.begin(i % 2); // full-size pieces
                    if (pb == null) {
                        break;
                    }
                    l.add(pb);
                }
                return l;
            });
            assertEquals(8, started.size(), "exactly the budget's worth");
            assertEquals(storage.pieceBuffers().budget(), storage.pieceBuffers().inUse());
            assertNull(onLoop(() -> ts.begin(0)));
            assertEquals(8, ts.openPieces());
            assertEquals(1, available.getCount(), "no announcement before anything is released");
            PieceBuffer first = started.getFirst();
            onLoop(() -> {
                byte[] data = t.piece(first.piece());
                for (int off = 0; off < data.length; off += BLOCK) {
                    first.add(off, block(data, off), 1);
                }
                return null;
            });
            assertInstanceOf(PieceResult.Verified.class, first.result().get(30, TimeUnit.SECONDS));
            assertTrue(available.await(30, TimeUnit.SECONDS), "announced when memory came back");
            assertNotNull(onLoop(() -> ts.begin(0)));
            onLoop(() -> {
                for (PieceBuffer pb : started) {
                    pb.abandon();
                }
                return null;
            });
        }
    }

    /** A piece larger than the whole budget is refused up front rather than waiting forever. */
    @Test
    void pieceLargerThanBudgetIsRefusedAtOpen() {
        TestTorrent t = TestTorrent.builder("huge").pieceLength(2 << 20).file("a.bin", 3 << 20).build();
        assertThrows(IllegalArgumentException.class, () -> open(t, StoreKind.POSITIONAL));
    }
}
