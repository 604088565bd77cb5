package io.hivemind.bt.dht.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtKeyPair;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.core.DhtEngine;
import io.hivemind.bt.dht.krpc.NodeInfo;
import io.hivemind.bt.wire.bencode.BBytes;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 1,000 DHT cores on a virtual clock (BEP 5 "Kademlia" lookups): iterative lookups find the true 8 closest nodes
 * (checked by brute force) in O(log n) rounds, and get_peers/announce_peer and BEP 44 get/put work end to end.
 */
class SimulatedNetworkTest {
    private static final long MS = 1_000_000L;
    private static final int N = 1000;
    private static SimulatedNetwork net;

    @BeforeAll
    static void join() {
        net = new SimulatedNetwork(N, DhtConfig.DEFAULT, 42, 20 * MS, 30 * MS, 0.0);
        net.joinAll(20_000 * MS);
        // let unconfirmed entries be pinged once
        net.runFor(3_000 * MS);
    }

    static List<NodeId> bruteForceClosest(NodeId target, NodeId exclude, int k) {
        List<NodeId> ids = new ArrayList<>(net.ids());
        ids.remove(exclude);
        ids.sort((a, b) -> target.compareDistance(a, b));
        return ids.subList(0, k);
    }

    /** BEP 5: lookups converge on the k = 8 closest nodes, in a number of rounds within O(log2 n). */
    @Test
    void lookupsFindTheTrueEightClosestInLogarithmicRounds() {
        SplittableRandom r = new SplittableRandom(7);
        int exact = 0;
        int lookups = 100;
        int maxRounds = 0;
        long totalQueries = 0;
        for (int i = 0; i < lookups; i++) {
            DhtEngine origin = net.node(r.nextInt(N));
            NodeId target = NodeId.random(r);
            DhtEngine.FindNodeResult res = net.await(done -> origin.findNode(target, net.now(), done), 60_000 * MS);
            assertNotNull(res, "lookup did not finish");
            List<NodeId> got = res.closest().stream().map(NodeInfo::id).toList();
            if (got.equals(bruteForceClosest(target, origin.id(), 8))) {
                exact++;
            }
            maxRounds = Math.max(maxRounds, res.stats().rounds());
            totalQueries += res.stats().queries();
        }
        double log2n = Math.log(N) / Math.log(2);
        assertEquals(lookups, exact, "lookups that found exactly the 8 closest nodes");
        assertTrue(maxRounds <= 2 * Math.ceil(log2n), "rounds " + maxRounds + " vs log2 n " + log2n);
        assertTrue(totalQueries / lookups < 100, "queries per lookup " + totalQueries / lookups);
    }

    @Test
    void routingTablesAreFilled() {
        for (int i = 0; i < N; i += 97) {
            int size = net.node(i).table(true).size();
            assertTrue(size >= 16, "node " + i + " has only " + size + " nodes");
        }
    }

    /** BEP 5 get_peers/announce_peer: an announce through one node is found by a lookup from another. */
    @Test
    void announceThenGetPeers() {
        NodeId infoHash = NodeId.random(new SplittableRandom(3));
        DhtEngine a = net.node(10);
        DhtEngine.StoreResult stored = net.await(done -> a.announce(infoHash, 51413, net.now(), done), 60_000 * MS);
        assertNotNull(stored);
        assertTrue(stored.accepted() >= 6, "accepted by " + stored.accepted());
        DhtEngine b = net.node(500);
        DhtEngine.PeersResult found = net.await(done -> b.getPeers(infoHash, net.now(), done), 60_000 * MS);
        assertTrue(found.peers().contains(new InetSocketAddress(net.address(10).getAddress(), 51413)),
                "peers " + found.peers());
    }

    /** BEP 44 immutable and mutable items across the network, including the seq rule. */
    @Test
    void putAndGetItems() {
        BBytes value = BBytes.of("Hello World!");
        DhtEngine a = net.node(20);
        DhtEngine.StoreResult put = net.await(done -> a.putImmutable(value, net.now(), done), 60_000 * MS);
        assertTrue(put.accepted() >= 6, "accepted " + put.accepted() + " " + put.errors());
        DhtEngine b = net.node(700);
        DhtEngine.ItemResult got = net.await(done -> b.getItem(put.target(), null, null, net.now(), done),
                60_000 * MS);
        assertEquals(value, got.value());

        DhtKeyPair keys = DhtKeyPair.fromSeed(new byte[32]);
        MutableItem v1 = MutableItem.sign(keys, "salt".getBytes(), 1, BBytes.of("one"));
        MutableItem v2 = MutableItem.sign(keys, "salt".getBytes(), 2, BBytes.of("two"));
        assertTrue(net.<DhtEngine.StoreResult>await(d -> a.putMutable(v1, null, net.now(), d), 60_000 * MS)
                .accepted() >= 6);
        assertTrue(net.<DhtEngine.StoreResult>await(d -> a.putMutable(v2, 1L, net.now(), d), 60_000 * MS)
                .accepted() >= 6);
        DhtEngine.ItemResult m = net.await(d -> b.getItem(v1.target(), keys.publicKey(), "salt".getBytes(),
                net.now(), d), 60_000 * MS);
        assertEquals(2, m.mutable().seq());
        assertEquals(BBytes.of("two"), m.value());
        // a put with a stale cas is refused with 301 by every storing node
        MutableItem v3 = MutableItem.sign(keys, "salt".getBytes(), 3, BBytes.of("three"));
        DhtEngine.StoreResult cas = net.await(d -> a.putMutable(v3, 1L, net.now(), d), 60_000 * MS);
        assertEquals(0, cas.accepted(), cas.errors().toString());
        assertTrue(cas.errors().stream().allMatch(e -> e.startsWith("301")), cas.errors().toString());
    }

    /** BEP 51: a sampling traversal collects the info-hashes nodes store. */
    @Test
    void sampleInfohashesCollectsStoredInfoHashes() {
        SplittableRandom r = new SplittableRandom(99);
        List<NodeId> announced = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            NodeId ih = NodeId.random(r);
            announced.add(ih);
            net.<DhtEngine.StoreResult>await(d -> net.node(30).announce(ih, 6881, net.now(), d), 60_000 * MS);
        }
        for (NodeId ih : announced) {
            DhtEngine.SampleResult s = net.await(d -> net.node(900).sampleInfohashes(ih, net.now(), d), 60_000 * MS);
            assertTrue(s.infoHashes().contains(ih), "sample near " + ih + ": " + s.infoHashes());
            assertTrue(s.nodesAnswered() >= 8);
        }
    }
}
