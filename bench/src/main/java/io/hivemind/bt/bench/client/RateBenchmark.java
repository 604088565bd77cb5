package io.hivemind.bt.bench.client;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.rate.BandwidthChannel;
import io.hivemind.bt.client.core.rate.BandwidthQueue;
import io.hivemind.bt.client.core.rate.RateEstimator;
import io.hivemind.bt.client.core.rate.TokenBucket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-block costs of rate limiting: a {@link TokenBucket} grant, a three-level {@link BandwidthChannel}
 * grant, a {@link RateEstimator} update, and one {@link BandwidthQueue} tick sharing quota among 200 waiting
 * peers of 4 torrents.
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests} then
 * {@code java -jar bench/target/benchmarks.jar RateBenchmark -f 1 -wi 2 -i 3} (add {@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class RateBenchmark {
    private TokenBucket bucket;
    private BandwidthChannel global;
    private BandwidthChannel torrent;
    private BandwidthChannel peer;
    private RateEstimator estimator;
    private BandwidthChannel[] torrents;
    private BandwidthQueue queue;
    private final IntList done = new IntList(256);
    private long now;

    @Setup
    public void setup() {
        bucket = new TokenBucket(100L << 20, 1L << 20, 0);
        global = BandwidthChannel.ofRate(100L << 20, 0);
        torrent = BandwidthChannel.ofRate(50L << 20, 0);
        peer = BandwidthChannel.ofRate(10L << 20, 0);
        estimator = new RateEstimator(0);
        torrents = new BandwidthChannel[4];
        for (int i = 0; i < 4; i++) {
            torrents[i] = BandwidthChannel.ofRate((i + 1) * (10L << 20), 0);
        }
        queue = new BandwidthQueue();
    }

    @Benchmark
    public long tokenBucketGrant() {
        now += 150_000; // about one 16 KiB block at 100 MiB/s
        return bucket.tryConsume(16 * 1024, now);
    }

    @Benchmark
    public long hierarchicalGrant() {
        now += 150_000;
        return BandwidthChannel.acquire(16 * 1024, now, global, torrent, peer);
    }

    @Benchmark
    public long rateEstimatorAdd() {
        now += 150_000;
        estimator.add(16 * 1024, now);
        return estimator.total();
    }

    @Benchmark
    public int queueTick200() {
        now += 100_000_000; // a 100 ms tick
        done.clear();
        for (int id = queue.size(); id < 200; id++) {
            queue.enqueue(id, 256 * 1024, 1, global, torrents[id & 3], null);
        }
        return queue.assign(now, done);
    }
}
