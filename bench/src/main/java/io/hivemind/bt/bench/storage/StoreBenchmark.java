package io.hivemind.bt.bench.storage;

import io.hivemind.bt.storage.PieceStore;
import io.hivemind.bt.storage.Storage;
import io.hivemind.bt.storage.StoreKind;
import io.hivemind.bt.storage.StoreSpec;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code MmapStore} against {@code PositionalStore}, side by side: sequential and random 16 KiB block writes and
 * reads on a 256 MiB file in the page cache (the write path a verified piece takes; the read path seeding takes,
 * {@code readBlock}, zero-copy for mmap, and {@code readBlockIfResident}, the same view without the disk executor
 * when the pages are cached (what the seeder's event loop tries first); and a plain copy into a buffer, as recheck
 * does). Ops/s × 16 KiB = bytes/s.
 *
 * <p>Run: {@code bench/storage/run.sh} (all storage benchmarks and the openssl reference), or
 * {@code java -jar bench/target/benchmarks.jar StoreBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StoreBenchmark {
    private static final int BLOCK = 16 * 1024;
    private static final int PIECE = 1 << 20;

    @Param({"MMAP", "POSITIONAL"})
    public StoreKind kind;

    @Param({"268435456"})
    public long fileSize;

    private Path dir;
    private Storage storage;
    private PieceStore store;
    private ByteBuffer block;
    private ByteBuffer readInto;
    private int blocks;
    private int next;
    private int[] random;
    private int randomNext;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("hivebt-store-bench");
        Metainfo m = BenchTorrents.unhashed("bench.bin", fileSize, PIECE);
        storage = Storage.builder().hashThreads(1).diskThreads(1).build();
        store = storage.openStore(StoreSpec.builder(m.info(), dir).kind(kind).build());
        block = ByteBuffer.allocateDirect(BLOCK);
        byte[] b = new byte[BLOCK];
        new SplittableRandom(1).nextBytes(b);
        block.put(b).flip();
        readInto = ByteBuffer.allocateDirect(BLOCK);
        blocks = (int) (fileSize / BLOCK);
        // fill the file once, so reads read data and writes overwrite pages in the page cache
        for (int i = 0; i < blocks; i++) {
            write(i);
        }
        store.flush();
        random = new int[1 << 16];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < random.length; i++) {
            random[i] = r.nextInt(blocks);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        storage.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void write(int index) {
        long pos = (long) index * BLOCK;
        store.write((int) (pos / PIECE), (int) (pos % PIECE), block.duplicate());
    }

    private int nextSequential() {
        int i = next;
        next = i + 1 == blocks ? 0 : i + 1;
        return i;
    }

    private int nextRandom() {
        int i = random[randomNext];
        randomNext = (randomNext + 1) & (random.length - 1);
        return i;
    }

    private Object readBlock(int index) {
        long pos = (long) index * BLOCK;
        ByteBuf b = store.readBlock((int) (pos / PIECE), (int) (pos % PIECE), BLOCK);
        byte v = b.getByte(b.readerIndex() + BLOCK - 1);
        b.release();
        return v;
    }

    /** The seeder's event-loop path: the view when the block is resident, else (as the session does) readBlock. */
    private Object readBlockIfResident(int index) {
        long pos = (long) index * BLOCK;
        int piece = (int) (pos / PIECE);
        int offset = (int) (pos % PIECE);
        ByteBuf b = store.readBlockIfResident(piece, offset, BLOCK);
        if (b == null) {
            b = store.readBlock(piece, offset, BLOCK);
        }
        byte v = b.getByte(b.readerIndex() + BLOCK - 1);
        b.release();
        return v;
    }

    private Object readCopy(int index) {
        long pos = (long) index * BLOCK;
        readInto.clear();
        store.read((int) (pos / PIECE), (int) (pos % PIECE), readInto);
        return readInto.get(BLOCK - 1);
    }

    @Benchmark
    public void writeSequential() {
        write(nextSequential());
    }

    @Benchmark
    public void writeRandom() {
        write(nextRandom());
    }

    @Benchmark
    public void readBlockSequential(Blackhole bh) {
        bh.consume(readBlock(nextSequential()));
    }

    @Benchmark
    public void readBlockRandom(Blackhole bh) {
        bh.consume(readBlock(nextRandom()));
    }

    @Benchmark
    public void readBlockIfResidentSequential(Blackhole bh) {
        bh.consume(readBlockIfResident(nextSequential()));
    }

    @Benchmark
    public void readCopySequential(Blackhole bh) {
        bh.consume(readCopy(nextSequential()));
    }

    @Benchmark
    public void readCopyRandom(Blackhole bh) {
        bh.consume(readCopy(nextRandom()));
    }
}
