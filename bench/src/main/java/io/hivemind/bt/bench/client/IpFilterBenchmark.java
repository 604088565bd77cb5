package io.hivemind.bt.bench.client;

import io.hivemind.bt.client.ipfilter.IpFilter;
import io.hivemind.bt.client.ipfilter.IpFilterLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * IP filter lookups against {@code ranges} random IPv4 and as many IPv6 rules (ns per lookup, on the
 * {@code int}/{@code long} fast paths and through {@code InetAddress}), and the cost of loading and resolving a
 * million-range eMule list from a file ({@code loadMillionRangeFile}, single shot, seconds).
 *
 * <pre>
 *   mvn -B -o -q -pl bench -am package -DskipTests
 *   java -jar bench/target/benchmarks.jar IpFilterBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class IpFilterBenchmark {

    @Param({"1000000"})
    int ranges;

    private static final int QUERIES = 1 << 14;
    private IpFilter filter;
    private int[] v4;
    private long[] v6;
    private InetAddress[] v4Addresses;
    private InetAddress[] v6Addresses;
    private int next;
    private Path file;

    @Setup
    public void setUp() throws IOException {
        Random rnd = new Random(7);
        IpFilter.Builder b = IpFilter.builder();
        for (int k = 0; k < ranges; k++) {
            int start = rnd.nextInt();
            long end = Math.min(0xffffffffL, (start & 0xffffffffL) + rnd.nextInt(2048));
            b.addV4(IpFilter.Action.DENY, start, (int) end);
            long hi = 0x2000000000000000L | rnd.nextLong() >>> 3;
            b.addV6(IpFilter.Action.DENY, hi, 0, hi, -1L);
        }
        filter = b.build();
        v4 = new int[QUERIES];
        v6 = new long[2 * QUERIES];
        v4Addresses = new InetAddress[QUERIES];
        v6Addresses = new InetAddress[QUERIES];
        for (int k = 0; k < QUERIES; k++) {
            v4[k] = rnd.nextInt();
            v6[2 * k] = 0x2000000000000000L | rnd.nextLong() >>> 3;
            v6[2 * k + 1] = rnd.nextLong();
            byte[] a4 = {(byte) (v4[k] >>> 24), (byte) (v4[k] >>> 16), (byte) (v4[k] >>> 8), (byte) v4[k]};
            v4Addresses[k] = InetAddress.getByAddress(a4);
            byte[] a6 = new byte[16];
            for (int i = 0; i < 8; i++) {
                a6[i] = (byte) (v6[2 * k] >>> (56 - 8 * i));
                a6[i + 8] = (byte) (v6[2 * k + 1] >>> (56 - 8 * i));
            }
            v6Addresses[k] = InetAddress.getByAddress(a6);
        }
        file = Files.createTempFile("ipfilter-bench", ".dat");
        StringBuilder sb = new StringBuilder(ranges * 60);
        for (int k = 0; k < ranges; k++) {
            long start = rnd.nextLong(0x100000000L);
            long end = Math.min(0xffffffffL, start + rnd.nextInt(4096));
            sb.append(dotted(start)).append(" - ").append(dotted(end)).append(" , 000 , range ").append(k).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.US_ASCII);
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    private static String dotted(long v) {
        return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }

    @Benchmark
    public boolean lookupV4Int() {
        int k = next++ & (QUERIES - 1);
        return filter.isBlockedV4(v4[k]);
    }

    @Benchmark
    public boolean lookupV6Longs() {
        int k = next++ & (QUERIES - 1);
        return filter.isBlockedV6(v6[2 * k], v6[2 * k + 1]);
    }

    @Benchmark
    public boolean lookupV4InetAddress() {
        return filter.isBlocked(v4Addresses[next++ & (QUERIES - 1)]);
    }

    @Benchmark
    public boolean lookupV6InetAddress() {
        return filter.isBlocked(v6Addresses[next++ & (QUERIES - 1)]);
    }

    /** Parse and resolve a million-range eMule file (the "< 2 s" requirement). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public IpFilter loadMillionRangeFile() throws IOException {
        IpFilter.Builder b = IpFilter.builder();
        IpFilterLoader.load(file, b, IpFilter.Action.DENY, IpFilterLoader.Limits.STRICT);
        return b.build();
    }
}
