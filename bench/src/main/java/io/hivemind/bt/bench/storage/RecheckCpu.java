package io.hivemind.bt.bench.storage;

import io.hivemind.bt.storage.PieceHashes;
import io.hivemind.bt.storage.PieceStore;
import io.hivemind.bt.storage.Recheck;
import io.hivemind.bt.storage.Storage;
import io.hivemind.bt.storage.StoreKind;
import io.hivemind.bt.storage.StoreSpec;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Recheck throughput per CPU-second, for a shared machine where wall-clock figures depend on the neighbours: hashes
 * the 1 GiB benchmark file with each store and 1 and 2 threads, and prints, per configuration, the best of 5 rounds as
 * {@code <kind> <threads> <wall GB/s> <GB per CPU-second>}. {@code bench/storage/run.sh} compares the second figure
 * with {@code openssl sha1}'s bytes per CPU-second; with every core free, 2 threads reach twice it.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.hivemind.bt.bench.storage.RecheckCpu <file>}.
 */
public final class RecheckCpu {
    private RecheckCpu() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/hivebt-bench/recheck-1g.bin");
        BenchTorrents.ensureRandomFile(file, RecheckBenchmark.SIZE);
        Metainfo m = BenchTorrents.of(file, 1 << 20);
        BenchTorrents.warm(file);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long bytes = m.info().totalLength();
        for (StoreKind kind : StoreKind.values()) {
            for (int threads = 1; threads <= 2; threads++) {
                double bestWall = 0;
                double bestCpu = 0;
                try (Storage storage = Storage.builder().hashThreads(threads).diskThreads(1).build();
                     PieceStore store = storage.openStore(StoreSpec.builder(m.info(),
                             file.toAbsolutePath().getParent()).kind(kind).build())) {
                    for (int round = 0; round < 6; round++) {
                        long c0 = os.getProcessCpuTime();
                        long t0 = System.nanoTime();
                        var ok = Recheck.runBlocking(store, PieceHashes.of(m), null, storage.hashExecutor(), threads,
                                Recheck.Progress.NONE);
                        long t1 = System.nanoTime();
                        long c1 = os.getProcessCpuTime();
                        if (!ok.isFull()) {
                            throw new IllegalStateException("recheck failed: " + ok.count() + " of " + ok.size());
                        }
                        if (round > 0) { // the first round warms up the JIT and the mappings
                            bestWall = Math.max(bestWall, bytes / ((t1 - t0) / 1e9) / 1e9);
                            bestCpu = Math.max(bestCpu, bytes / ((c1 - c0) / 1e9) / 1e9);
                        }
                    }
                }
                System.out.printf(java.util.Locale.ROOT, "%s %d %.3f %.3f%n", kind, threads, bestWall, bestCpu);
            }
        }
    }
}
