package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.Session;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.bencode.BDict;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 46 through a real DHT on loopback: the worker polls its channel's mutable item, takes a new version, and
 * refuses an older one coming back from the DHT (a replay) and anything not signed by the channel key.
 */
class WorkerDhtTest {

    private static DhtNode node(List<InetSocketAddress> bootstrap) throws Exception {
        DhtNode n = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0)).bootstrap(bootstrap)
                .config(DhtConfig.builder().restrictRoutingIps(false)
                        .rateLimit(1_000_000, Duration.ofSeconds(10), Duration.ofMinutes(5)).build())
                .build();
        n.start().get(10, TimeUnit.SECONDS);
        return n;
    }

    @Test
    void pollsTakeNewVersionsAndRefuseReplaysAndForgeries(@TempDir Path tmp) throws Exception {
        ChannelKey key = ChannelKey.generate("resnet");
        Channel ch = key.channel();
        List<DhtNode> nodes = new ArrayList<>();
        try (Session session = Session.builder().settings(TestNode.settings(false).build()).build()) {
            DhtNode router = node(List.of());
            nodes.add(router);
            List<InetSocketAddress> boot = List.of(router.localAddresses().getFirst());
            for (int i = 0; i < 3; i++) {
                nodes.add(node(boot));
            }
            DhtNode publisher = node(boot);
            nodes.add(publisher);
            DhtNode workerNode = node(boot);
            nodes.add(workerNode);
            for (DhtNode n : nodes) {
                n.bootstrap(boot).get(10, TimeUnit.SECONDS);
            }
            try (Worker w = Worker.builder(session).dht(workerNode).config(WorkerConfig.builder(WorkerId.of("w"),
                    tmp.resolve("w")).channel(ch).pollInterval(Duration.ofHours(1)).build()).start()) {
                BDict v2 = VersionGateTest.model("2", (byte) 2);
                assertTrue(publisher.putMutable(key.keyPair(), ch.salt(), 2, v2, null).get(30, TimeUnit.SECONDS)
                        .accepted() > 0);
                w.pollDht();
                assertEquals(2, w.acceptedSeq(ch), "new version taken from the DHT");

                // seq 5 arrives directly; the DHT then serves seq 3, older than what the worker holds: a replay
                assertTrue(w.accept(key.sign(ch.salt(), 5, VersionGateTest.model("5", (byte) 5))).accepted());
                assertTrue(publisher.putMutable(key.keyPair(), ch.salt(), 3, VersionGateTest.model("3", (byte) 3),
                        null).get(30, TimeUnit.SECONDS).accepted() > 0);
                assertEquals(3, workerNode.getMutable(ch.publicKey(), ch.salt()).get(30, TimeUnit.SECONDS)
                        .orElseThrow().seq(), "the DHT holds the older item");
                w.pollDht();
                assertEquals(5, w.acceptedSeq(ch), "the replayed seq 3 is ignored");

                // an attacker's key under the same salt lives at another target; a forged signature is not stored
                ChannelKey attacker = ChannelKey.generate("resnet");
                publisher.putMutable(attacker.keyPair(), ch.salt(), 9, VersionGateTest.model("9", (byte) 9), null)
                        .get(30, TimeUnit.SECONDS);
                MutableItem signed = attacker.sign(ch.salt(), 10, VersionGateTest.model("10", (byte) 10));
                MutableItem forged = new MutableItem(ch.publicKey(), ch.salt(), 10, signed.value(), signed.signature());
                assertEquals(0, publisher.putMutable(forged, null).get(30, TimeUnit.SECONDS).accepted(),
                        "DHT nodes refuse a bad signature (BEP 44)");
                w.pollDht();
                assertEquals(5, w.acceptedSeq(ch));
                assertEquals(List.of(2L, 5L), w.copies().stream().map(LocalCopy::seq).sorted().toList());
            }
        } finally {
            for (DhtNode n : nodes) {
                n.close();
            }
        }
    }
}
