package io.hivemind.bt.bench.wire;

import io.hivemind.bt.wire.metainfo.Merkle;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The BEP 52 pieces root of a 64 MiB file held in memory, one thread: 4096 SHA-256 leaves of 16 KiB, the piece
 * layer for the given piece length, then the root ({@link Merkle}). {@code leavesOnly} is the same hashing without
 * the tree, so the tree's own cost is the difference; a 64 MiB file at SHA-256 speed ({@code HashBenchmark}) bounds
 * both from below.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar MerkleBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MerkleBenchmark {
    private static final int FILE = 64 << 20;

    @Param({"16384", "262144", "4194304"})
    long pieceLength;

    private byte[] data;
    private byte[] leaves;
    private MessageDigest sha256;

    @Setup
    public void setup() {
        data = new byte[FILE];
        new Random(7).nextBytes(data);
        leaves = new byte[FILE / Merkle.BLOCK_SIZE * Merkle.HASH_SIZE];
        sha256 = Merkle.sha256();
    }

    private void hashLeaves() throws Exception {
        for (int i = 0, n = FILE / Merkle.BLOCK_SIZE; i < n; i++) {
            sha256.update(data, i * Merkle.BLOCK_SIZE, Merkle.BLOCK_SIZE);
            sha256.digest(leaves, i * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
        }
    }

    @Benchmark
    public byte[] piecesRoot() throws Exception {
        hashLeaves();
        int count = FILE / Merkle.BLOCK_SIZE;
        byte[] layer = Merkle.pieceLayer(leaves, count, Merkle.leavesPerPiece(pieceLength));
        return Merkle.rootFromPieceLayer(layer, FILE, pieceLength);
    }

    @Benchmark
    public byte[] leavesOnly() throws Exception {
        hashLeaves();
        return leaves;
    }
}
