package io.hivemind.bt.bench.client;

import io.hivemind.bt.client.core.choker.ChokeDecision;
import io.hivemind.bt.client.core.choker.Choker;
import io.hivemind.bt.client.core.choker.ChokerPeerView;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * One {@link Choker} round over 500 peers (80 % interested, random rates), downloading (tit-for-tat) and seeding
 * (round robin); every call rotates the optimistic slot, the most expensive case.
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests} then
 * {@code java -jar bench/target/benchmarks.jar Choker -f 1 -wi 2 -i 3} (add {@code -prof gc} for allocation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ChokerBenchmark {
    static final long SEC = 1_000_000_000L;

    @Param({"500"})
    int peers;

    @Param({"false", "true"})
    boolean seeding;

    private List<Peer> list;
    private Choker choker;
    private long now;

    static final class Peer implements ChokerPeerView {
        final int id;
        final boolean interested;
        final long down;
        final long up;
        final boolean unchoked;
        final long connectedAt;

        Peer(int id, SplittableRandom r) {
            this.id = id;
            this.interested = r.nextInt(5) != 0;
            this.down = r.nextLong(10_000_000);
            this.up = r.nextLong(10_000_000);
            this.unchoked = r.nextInt(50) == 0;
            this.connectedAt = -r.nextLong(3600 * SEC);
        }

        public int peerId() {
            return id;
        }

        public boolean interested() {
            return interested;
        }

        public boolean snubbed() {
            return false;
        }

        public long downloadRate() {
            return down;
        }

        public long uploadRate() {
            return up;
        }

        public boolean unchoked() {
            return unchoked;
        }

        public long unchokedAtNanos() {
            return unchoked ? -60 * SEC : Long.MIN_VALUE;
        }

        public long uploadedSinceUnchoke() {
            return 1 << 20;
        }

        public long connectedAtNanos() {
            return connectedAt;
        }

        public long lastOptimisticNanos() {
            return Long.MIN_VALUE;
        }
    }

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        list = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            list.add(new Peer(i, r));
        }
        choker = new Choker(Choker.Config.DEFAULT, new SplittableRandom(1));
    }

    @Benchmark
    public ChokeDecision<Peer> round() {
        now += 30 * SEC;
        return choker.decide(list, seeding, now);
    }
}
