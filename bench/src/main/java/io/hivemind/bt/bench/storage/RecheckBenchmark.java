package io.hivemind.bt.bench.storage;

import io.hivemind.bt.storage.PieceHashes;
import io.hivemind.bt.storage.PieceStore;
import io.hivemind.bt.storage.Recheck;
import io.hivemind.bt.storage.Storage;
import io.hivemind.bt.storage.StoreKind;
import io.hivemind.bt.storage.StoreSpec;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

/**
 * Recheck of a 1 GiB single-file torrent (1 MiB pieces, SHA-1) in the page cache, with each store and 1 or 2
 * hashing threads. The file is {@code -Dhivebt.bench.file} (default {@code /tmp/hivebt-bench/recheck-1g.bin}),
 * created on first use; {@code bench/storage/run.sh} times {@code openssl sha1} over the same file and prints
 * the ratio (target: ≥ 1.7× single-core openssl on 2 threads).
 *
 * <p>Run: {@code bench/storage/run.sh}, or {@code java -jar bench/target/benchmarks.jar RecheckBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class RecheckBenchmark {
    public static final long SIZE = 1L << 30;

    @Param({"MMAP", "POSITIONAL"})
    public StoreKind kind;

    @Param({"1", "2"})
    public int threads;

    private Storage storage;
    private PieceStore store;
    private PieceHashes hashes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = Path.of(System.getProperty("hivebt.bench.file", "/tmp/hivebt-bench/recheck-1g.bin"));
        BenchTorrents.ensureRandomFile(file, SIZE);
        Metainfo m = BenchTorrents.of(file, 1 << 20);
        BenchTorrents.warm(file);
        hashes = PieceHashes.of(m);
        storage = Storage.builder().hashThreads(threads).diskThreads(1).build();
        store = storage.openStore(StoreSpec.builder(m.info(), file.toAbsolutePath().getParent()).kind(kind).build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        storage.close();
    }

    @Benchmark
    public Bitfield recheck() {
        Bitfield ok = Recheck.runBlocking(store, hashes, null, storage.hashExecutor(), threads,
                Recheck.Progress.NONE);
        if (!ok.isFull()) {
            throw new IllegalStateException("recheck found " + ok.count() + " of " + ok.size() + " pieces");
        }
        return ok;
    }
}
