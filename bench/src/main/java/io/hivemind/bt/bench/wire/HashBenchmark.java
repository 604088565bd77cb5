package io.hivemind.bt.bench.wire;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
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
 * SHA-1 (v1 pieces) and SHA-256 (v2 leaves) over a 16 KiB block and piece-sized buffers, the JDK's
 * {@link MessageDigest} (SHA-NI intrinsics) and Bouncy Castle's lightweight digests side by side, one thread.
 * Bytes per second = ops/s × size; compare with {@code openssl speed -bytes 16384 -seconds 3 sha1 sha256}
 * ({@code bench/create/run.sh} prints both).
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar HashBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashBenchmark {

    @Param({"16384", "262144", "1048576", "4194304"})
    int size;

    @Param({"SHA-1", "SHA-256"})
    String algorithm;

    @Param({"jdk", "bouncycastle"})
    String implementation;

    private byte[] data;
    private final byte[] out = new byte[32];
    private MessageDigest jdk;
    private Digest bc;

    @Setup
    public void setup() throws Exception {
        data = new byte[size];
        new Random(42).nextBytes(data);
        jdk = MessageDigest.getInstance(algorithm);
        bc = algorithm.equals("SHA-1") ? new SHA1Digest() : new SHA256Digest();
    }

    @Benchmark
    public byte[] digest() throws Exception {
        if (implementation.equals("jdk")) {
            jdk.update(data, 0, size);
            jdk.digest(out, 0, jdk.getDigestLength());
        } else {
            bc.update(data, 0, size);
            bc.doFinal(out, 0);
        }
        return out;
    }
}
