package io.hivemind.bt.bench.wire;

import io.hivemind.bt.wire.bits.Bitfield;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Bitfield} operations at torrent sizes of 10,000 and 1,000,000 pieces: single-bit {@code get} and
 * {@code set}/{@code clear} at random indices, a scan of every missing piece with {@code nextClear} in a bitfield
 * that is 99 % complete (the end of a download), {@code lacksAnyOf} where the only piece of interest is the last
 * one (a full scan), {@code countAndNot}, and the BEP 3 wire conversion both ways.
 *
 * <p>Scores are nanoseconds per operation; the whole-bitfield operations touch {@code size / 64} words each. The
 * wire conversion is word-wise ({@code Long.reverse} plus a big-endian store); {@code toWireBytewise} and
 * {@code fromWireBytewise} are the byte-at-a-time loops it replaced, kept here as the reference.
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests} then
 * {@code java -jar bench/target/benchmarks.jar BitfieldBenchmark -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class BitfieldBenchmark {

    @Param({"10000", "1000000"})
    public int size;

    private Bitfield half;
    private Bitfield almostFull;
    private Bitfield lacksOnlyLast;
    private Bitfield full;
    private byte[] wire;
    private int[] indices;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        half = new Bitfield(size);
        almostFull = Bitfield.full(size);
        for (int i = 0; i < size; i++) {
            if (random.nextBoolean()) {
                half.set(i);
            }
            if (random.nextInt(100) == 0) {
                almostFull.clear(i);
            }
        }
        full = Bitfield.full(size);
        lacksOnlyLast = Bitfield.full(size);
        lacksOnlyLast.clear(size - 1);
        wire = half.toWire();
        indices = new int[4096];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(size);
        }
    }

    private int nextIndex() {
        int i = indices[next];
        next = (next + 1) & (indices.length - 1);
        return i;
    }

    @Benchmark
    public boolean get() {
        return half.get(nextIndex());
    }

    @Benchmark
    public boolean setAndClear() {
        int i = nextIndex();
        boolean was = almostFull.clear(i);
        almostFull.set(i);
        if (!was) {
            almostFull.clear(i); // keep the bitfield as it was
        }
        return was;
    }

    /** Visits every missing piece of a 99 % complete torrent. */
    @Benchmark
    public long nextClearScan() {
        long sum = 0;
        for (int i = almostFull.nextClear(0); i >= 0; i = almostFull.nextClear(i + 1)) {
            sum += i;
        }
        return sum;
    }

    /** Is a peer with everything interesting to us when we lack only the last piece? Scans every word. */
    @Benchmark
    public boolean lacksAnyOf() {
        return lacksOnlyLast.lacksAnyOf(full);
    }

    @Benchmark
    public int countAndNot() {
        return half.countAndNot(almostFull);
    }

    @Benchmark
    public byte[] toWire() {
        return half.toWire();
    }

    @Benchmark
    public Bitfield fromWire() {
        return Bitfield.fromWire(wire, size);
    }

    /** Reference: the byte-at-a-time conversion to the wire form. */
    @Benchmark
    public byte[] toWireBytewise() {
        byte[] out = new byte[Bitfield.wireLength(size)];
        for (int i = 0; i < out.length; i++) {
            int v = (int) (half.word(i >>> 3) >>> ((i & 7) << 3)) & 0xff;
            out[i] = (byte) (Integer.reverse(v) >>> 24);
        }
        return out;
    }

    /** Reference: the byte-at-a-time conversion from the wire form (into bare words). */
    @Benchmark
    public long[] fromWireBytewise() {
        long[] words = new long[(size + 63) >>> 6];
        for (int i = 0; i < wire.length; i++) {
            int v = wire[i] & 0xff;
            if (v != 0) {
                words[i >>> 3] |= (long) (Integer.reverse(v) >>> 24) << ((i & 7) << 3);
            }
        }
        return words;
    }
}
