package io.hivemind.bt.dht.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.core.DhtEngine;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * BEP 5 {@code get_peers} with peers handed out as they arrive: when some of the nodes closest to an info-hash have
 * left, the traversal only ends after their queries time out (twice), but the peers the live ones return are
 * reported at once, so a magnet download dials its first peer without waiting for the dead nodes.
 */
class StreamingGetPeersTest {
    private static final long MS = 1_000_000L;

    @Test
    void peersFromLiveNodesAreReportedBeforeDeadNodesTimeOut() {
        SimulatedNetwork net = new SimulatedNetwork(200, DhtConfig.DEFAULT, 11, 20 * MS, 30 * MS, 0.0);
        net.joinAll(20_000 * MS);
        net.runFor(3_000 * MS);
        NodeId infoHash = NodeId.random(new SplittableRandom(5));
        DhtEngine.StoreResult stored = net.await(d -> net.node(10).announce(infoHash, 51413, net.now(), d),
                60_000 * MS);
        assertTrue(stored.accepted() >= 6, "accepted by " + stored.accepted());

        // the 4 nodes closest to the info-hash (other than the announcer and the asker) leave without a word
        List<Integer> byDistance = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            if (i != 10 && i != 150) {
                byDistance.add(i);
            }
        }
        byDistance.sort((a, b) -> infoHash.compareDistance(net.node(a).id(), net.node(b).id()));
        for (int i : byDistance.subList(0, 4)) {
            net.setDown(i, true);
        }

        DhtEngine asker = net.node(150);
        long start = net.now();
        long[] firstBatchAt = {-1};
        LinkedHashSet<InetSocketAddress> streamed = new LinkedHashSet<>();
        List<List<InetSocketAddress>> batches = new ArrayList<>();
        DhtEngine.PeersResult result = net.await(d -> asker.getPeers(infoHash, net.now(), batch -> {
            if (firstBatchAt[0] < 0) {
                firstBatchAt[0] = net.now();
            }
            batches.add(batch);
            streamed.addAll(batch);
        }, d), 60_000 * MS);
        long doneAt = net.now();

        assertNotNull(result, "lookup did not finish");
        InetSocketAddress announced = new InetSocketAddress(net.address(10).getAddress(), 51413);
        assertTrue(result.peers().contains(announced), "final peers " + result.peers());
        assertTrue(streamed.contains(announced), "streamed peers " + streamed);
        assertEquals(streamed.size(), batches.stream().mapToInt(List::size).sum(), "a peer is reported once");
        long timeout = DhtConfig.DEFAULT.queryTimeout().toNanos();
        assertTrue(doneAt - start >= timeout, "the traversal waited for the dead nodes: " + (doneAt - start) / MS + " ms");
        assertTrue(firstBatchAt[0] - start < timeout,
                "first peers after " + (firstBatchAt[0] - start) / MS + " ms, lookup done after "
                        + (doneAt - start) / MS + " ms");
    }
}
