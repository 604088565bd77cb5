package io.hivemind.bt.bench.client;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.BlockLayout;
import io.hivemind.bt.client.core.picker.PiecePicker;
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
 * {@link PiecePicker} under a large swarm: 10,000 pieces of 16 blocks (256 KiB) and 200 peers that each have a
 * random {@code density} share of the pieces.
 *
 * <ul>
 *   <li>{@code pickReceiveCycle}: one peer (round robin) picks 16 blocks, every block arrives, and each completed
 *       piece fails its hash so it goes back to the fresh pieces: the steady-state cost of one request round
 *       (1 pick, 16 receives, about one piece event), with no drift toward completion.</li>
 *   <li>{@code pickAbortCycle}: pick 16 blocks, then the peer disconnects ({@code peerGone}): pick + release.</li>
 *   <li>{@code have}: a have message and its undo (two availability moves).</li>
 *   <li>{@code bitfieldAndDisconnect}: a peer's bitfield arrives and the peer leaves (2 x density x 10,000 moves).</li>
 *   <li>{@code referenceLinearScan}: the reference in the same run, what a naive picker does for one piece: scan
 *       every piece's availability for the rarest one the peer has and we lack. Read the others as ratios to it.</li>
 * </ul>
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests} then
 * {@code java -jar bench/target/benchmarks.jar PiecePicker -f 1 -wi 2 -i 3} (add {@code -prof gc} for allocation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PiecePickerBenchmark {
    @Param({"10000"})
    int pieces;

    @Param({"200"})
    int peers;

    /** Share of the pieces each peer has. */
    @Param({"0.5", "0.05"})
    double density;

    private PiecePicker picker;
    private BenchPeer[] swarm;
    private Bitfield extraBitfield;
    private final IntList out = new IntList(64);
    private final IntList cancel = new IntList(8);
    private int next;
    private int havePiece;
    private long now;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        picker = new PiecePicker(BlockLayout.uniform(256 * 1024, (long) pieces * 256 * 1024), new SplittableRandom(1));
        swarm = new BenchPeer[peers];
        for (int i = 0; i < peers; i++) {
            Bitfield b = randomBits(r, pieces, density);
            swarm[i] = new BenchPeer(i, b);
            picker.peerBitfield(b);
        }
        extraBitfield = randomBits(r, pieces, density);
        // some pieces done and some in flight, as in a running download
        for (int p = 0; p < pieces / 10; p++) {
            picker.pieceVerified(r.nextInt(pieces));
        }
    }

    private static Bitfield randomBits(SplittableRandom r, int n, double density) {
        Bitfield b = new Bitfield(n);
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < density) {
                b.set(i);
            }
        }
        return b;
    }

    @Benchmark
    public int pickReceiveCycle() {
        BenchPeer peer = swarm[next];
        next = next + 1 == swarm.length ? 0 : next + 1;
        out.clear();
        int n = picker.pickBlocks(peer, 16, now++, out);
        for (int i = 0; i < n; i++) {
            int block = out.get(i);
            cancel.clear();
            if (picker.blockReceived(block, peer.id, now, cancel) == PiecePicker.BlockResult.PIECE_COMPLETE) {
                picker.pieceFailed(picker.layout().pieceOf(block));
            }
        }
        return n;
    }

    @Benchmark
    public int pickAbortCycle() {
        BenchPeer peer = swarm[next];
        next = next + 1 == swarm.length ? 0 : next + 1;
        out.clear();
        int n = picker.pickBlocks(peer, 16, now++, out);
        return n + picker.peerGone(peer.id);
    }

    @Benchmark
    public int referenceLinearScan() {
        BenchPeer peer = swarm[next];
        next = next + 1 == swarm.length ? 0 : next + 1;
        int best = -1;
        int bestAvail = Integer.MAX_VALUE;
        for (int p = 0; p < pieces; p++) {
            if (peer.pieces.get(p) && !picker.hasPiece(p)) {
                int a = picker.availability(p);
                if (a < bestAvail) {
                    bestAvail = a;
                    best = p;
                }
            }
        }
        return best;
    }

    @Benchmark
    public int have() {
        int p = havePiece;
        havePiece = havePiece + 7919 >= pieces ? (havePiece + 7919) - pieces : havePiece + 7919;
        picker.peerHas(p);
        picker.peerLost(p);
        return p;
    }

    @Benchmark
    public int bitfieldAndDisconnect() {
        picker.peerBitfield(extraBitfield);
        picker.peerLeft(extraBitfield);
        return picker.availability(0);
    }
}
