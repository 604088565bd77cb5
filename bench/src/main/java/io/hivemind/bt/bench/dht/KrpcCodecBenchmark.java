package io.hivemind.bt.bench.dht;

import io.hivemind.bt.dht.DhtKeyPair;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.KrpcCodec;
import io.hivemind.bt.dht.krpc.KrpcMessage;
import io.hivemind.bt.dht.krpc.KrpcQuery;
import io.hivemind.bt.dht.krpc.KrpcResponse;
import io.hivemind.bt.dht.krpc.NodeInfo;
import io.hivemind.bt.dht.krpc.Want;
import io.hivemind.bt.wire.bencode.BBytes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
 * KRPC decode and encode throughput for the messages a DHT node handles most: queries (ping, get_peers, a BEP 44
 * mutable put) and responses (find_node with 8 nodes, get_peers with 50 values).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar KrpcCodecBenchmark -prof gc} after
 * {@code mvn -pl bench -am package -DskipTests}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KrpcCodecBenchmark {

    @Param({"ping", "get_peers", "put_mutable", "find_node_reply", "get_peers_reply"})
    public String message;

    private byte[] wire;
    private KrpcMessage decoded;

    @Setup
    public void setup() throws UnknownHostException {
        SplittableRandom r = new SplittableRandom(1);
        NodeId id = NodeId.random(r);
        byte[] t = {1, 2};
        List<NodeInfo> nodes = new ArrayList<>();
        List<InetSocketAddress> values = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(
                    new byte[]{(byte) 100, 64, (byte) i, (byte) (i * 7)}), 6881 + i);
            values.add(a);
            if (i < 8) {
                nodes.add(new NodeInfo(NodeId.random(r), a));
            }
        }
        MutableItem item = MutableItem.sign(DhtKeyPair.fromSeed(new byte[32]), "channel".getBytes(), 42,
                BBytes.of("d8:manifest20:aaaaaaaaaaaaaaaaaaaae"));
        KrpcMessage m = switch (message) {
            case "ping" -> new KrpcQuery.Ping(t, id, false);
            case "get_peers" -> new KrpcQuery.GetPeers(t, id, false, NodeId.random(r), Want.DEFAULT);
            case "put_mutable" -> new KrpcQuery.Put(t, id, false, new byte[8], item.value(), item.publicKey(),
                    item.salt(), item.seq(), item.signature(), null);
            case "find_node_reply" -> KrpcResponse.builder(t, id).ip(values.getFirst()).nodes(nodes).build();
            case "get_peers_reply" -> KrpcResponse.builder(t, id).ip(values.getFirst()).nodes(nodes)
                    .token(new byte[8]).values(values).build();
            default -> throw new IllegalArgumentException(message);
        };
        wire = KrpcCodec.encode(m);
        decoded = KrpcCodec.decode(wire);
    }

    @Benchmark
    public KrpcMessage decode() {
        return KrpcCodec.decode(wire);
    }

    @Benchmark
    public byte[] encode() {
        return KrpcCodec.encode(decoded);
    }
}
