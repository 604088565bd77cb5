package io.hivemind.bt.bench.dht;

import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.core.DhtEngine;
import io.hivemind.bt.dht.krpc.NodeInfo;
import io.hivemind.bt.dht.sim.SimulatedNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lookup cost on the simulated network of {@code n} DHT cores (default 1,000): rounds, messages (queries sent) per
 * lookup, simulated latency, and whether the result is the true 8 closest (brute force), for {@code find_node}
 * and {@code get_peers} lookups, with and without packet loss. Deterministic for a seed; the CPU time per lookup is
 * the only figure that depends on the machine.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.hivemind.bt.bench.dht.LookupBenchmark [n] [lookups]}.
 */
public final class LookupBenchmark {
    private static final long MS = 1_000_000L;

    private LookupBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        System.out.printf("simulated DHT: %d nodes, one-way latency 20-50 ms, k=8, alpha=3, %d lookups each%n", n,
                lookups);
        for (double loss : new double[]{0.0, 0.05}) {
            run(n, lookups, loss);
        }
    }

    private static void run(int n, int lookups, double loss) {
        long t0 = System.nanoTime();
        SimulatedNetwork net = new SimulatedNetwork(n, DhtConfig.DEFAULT, 42, 20 * MS, 30 * MS, loss);
        net.joinAll(20_000 * MS);
        net.runFor(3_000 * MS);
        long joinMs = (System.nanoTime() - t0) / 1_000_000;
        List<NodeId> ids = net.ids();
        SplittableRandom r = new SplittableRandom(7);
        int[] rounds = new int[lookups];
        int[] queries = new int[lookups];
        int[] messages = new int[lookups];
        long[] latency = new long[lookups];
        int exact = 0;
        long cpu = 0;
        for (int i = 0; i < lookups; i++) {
            DhtEngine origin = net.node(r.nextInt(n));
            NodeId target = NodeId.random(r);
            long start = net.now();
            long c0 = System.nanoTime();
            DhtEngine.PeersResult res = net.await(done -> origin.getPeers(target, net.now(), done), 120_000 * MS);
            cpu += System.nanoTime() - c0;
            latency[i] = (net.now() - start) / MS;
            rounds[i] = res.stats().rounds();
            queries[i] = res.stats().queries();
            messages[i] = res.stats().queries() + res.stats().responses();
            List<NodeId> truth = new ArrayList<>(ids);
            truth.remove(origin.id());
            truth.sort(target::compareDistance);
            if (res.closest().stream().map(NodeInfo::id).toList().equals(truth.subList(0, 8))) {
                exact++;
            }
        }
        System.out.printf("loss %.0f%%: join of %d nodes took %d ms wall%n", loss * 100, n, joinMs);
        System.out.printf("  get_peers lookups: exact 8 closest %d/%d; rounds median %d p95 %d max %d "
                        + "(log2 n = %.1f); queries/lookup mean %.1f median %d p95 %d; messages (queries + answers)/lookup mean %.1f; simulated latency median %d ms "
                        + "p95 %d ms; CPU %.0f us/lookup (whole simulation)%n",
                exact, lookups, pct(rounds, 50), pct(rounds, 95), pct(rounds, 100), Math.log(n) / Math.log(2),
                Arrays.stream(queries).average().orElse(0), pct(queries, 50), pct(queries, 95),
                Arrays.stream(messages).average().orElse(0), pct(latency, 50),
                pct(latency, 95), cpu / 1e3 / lookups);
    }

    private static int pct(int[] v, int p) {
        int[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    private static long pct(long[] v, int p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
