package io.hivemind.bt.dht.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BEP 5 "Routing Table": k-buckets, splitting of our own bucket, node states and replacement. */
class RoutingTableTest {
    private static final long MIN = 60_000_000_000L;
    private final SplittableRandom random = new SplittableRandom(11);
    private final NodeId self = NodeId.random(random);
    private int nextIp = 1;

    private NodeInfo node(NodeId id) {
        try {
            int i = nextIp++;
            return new NodeInfo(id, new InetSocketAddress(InetAddress.getByAddress(
                    new byte[]{10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), 6881));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A node sharing exactly {@code prefix} bits with our id. */
    private NodeInfo nodeAt(int prefix) {
        return node(self.randomWithPrefix(prefix, random));
    }

    @Test
    void bucketsHoldAtMostKAndOnlyOurBucketSplits() {
        RoutingTable t = new RoutingTable(self, 8, true, 0);
        for (int i = 0; i < 20; i++) {
            t.onResponse(nodeAt(0), 0); // all in the far half
        }
        assertEquals(2, t.bucketCount(), "the far half is its own bucket after one split");
        assertEquals(8, t.bucket(0).size());
        assertEquals(8, t.replacements(0).size(), "overflow waits in the replacement cache");
        for (int p = 1; p < 6; p++) {
            for (int i = 0; i < 3; i++) {
                t.onResponse(nodeAt(p), 0);
            }
        }
        for (int b = 0; b < t.bucketCount(); b++) {
            assertTrue(t.bucket(b).size() <= 8);
            for (NodeInfo n : t.bucket(b)) {
                int cpl = self.commonPrefixLength(n.id());
                assertTrue(b == t.bucketCount() - 1 ? cpl >= b : cpl == b, "node in bucket " + b + " shares " + cpl);
            }
        }
    }

    @Test
    void nodesAreGoodThenQuestionableAfter15MinutesThenBadAfterFailures() {
        RoutingTable t = new RoutingTable(self, 8, true, 0);
        NodeInfo n = nodeAt(3);
        t.onResponse(n, 0);
        assertEquals(RoutingTable.State.GOOD, t.state(n.id(), 14 * MIN));
        assertEquals(RoutingTable.State.QUESTIONABLE, t.state(n.id(), 15 * MIN));
        t.onQuery(n, 16 * MIN);
        assertEquals(RoutingTable.State.GOOD, t.state(n.id(), 20 * MIN), "a query from a confirmed node refreshes it");
        t.onTimeout(n, 40 * MIN);
        assertEquals(RoutingTable.State.QUESTIONABLE, t.state(n.id(), 40 * MIN));
        t.onTimeout(n, 41 * MIN);
        assertEquals(RoutingTable.State.BAD, t.state(n.id(), 41 * MIN), "kept until something replaces it");
        assertFalse(t.closest(n.id(), 8, 41 * MIN).contains(n), "bad nodes are never handed out");
    }

    @Test
    void aBadNodeIsReplacedByAWaitingReplacement() {
        RoutingTable t = new RoutingTable(self, 8, true, 0);
        List<NodeInfo> far = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            far.add(nodeAt(0));
            t.onResponse(far.get(i), 0);
        }
        NodeInfo waiting = far.get(8);
        assertTrue(t.replacements(0).contains(waiting));
        NodeInfo victim = far.get(0);
        t.onTimeout(victim, MIN);
        t.onTimeout(victim, MIN);
        assertNull(t.state(victim.id(), MIN), "the bad node left the table");
        assertTrue(t.bucket(0).contains(waiting), "the replacement took its place");
    }

    @Test
    void fullBucketOffersQuestionableNodesForPinging() {
        RoutingTable t = new RoutingTable(self, 8, true, 0);
        for (int i = 0; i < 9; i++) {
            t.onResponse(nodeAt(0), 0);
        }
        assertTrue(t.nodesToPing(MIN, MIN, 100).isEmpty(), "good nodes need no ping");
        assertEquals(8, t.nodesToPing(16 * MIN, MIN, 100).size());
        assertTrue(t.nodesToPing(16 * MIN + 1, MIN, 100).isEmpty(), "not pinged twice within the interval");
    }

    @Test
    void unconfirmedNodesAreNotHandedOut() {
        RoutingTable t = new RoutingTable(self, 8, true, 0);
        NodeInfo querier = nodeAt(2);
        t.onQuery(querier, 0);
        assertTrue(t.contains(querier.id()));
        assertTrue(t.closest(querier.id(), 8, 0).isEmpty());
        t.onResponse(querier, 1);
        assertEquals(List.of(querier), t.closest(querier.id(), 8, 1));
    }

    @Test
    void oneNodePerIpAndNoIdHijack() throws Exception {
        RoutingTable t = new RoutingTable(self, 8, true, 0);
        NodeInfo a = nodeAt(1);
        t.onResponse(a, 0);
        t.onResponse(new NodeInfo(self.randomWithPrefix(2, random), a.address()), 0);
        assertEquals(1, t.size(), "second node on the same IP refused");
        t.onResponse(new NodeInfo(a.id(), new InetSocketAddress(InetAddress.getByName("10.99.0.1"), 1)), 0);
        assertEquals(a.address(), t.closest(a.id(), 1, 0).getFirst().address(), "an id is not moved by others");
        t.onResponse(new NodeInfo(self, new InetSocketAddress(InetAddress.getByName("10.99.0.2"), 1)), 0);
        assertEquals(1, t.size(), "our own id is never added");
    }

    @Test
    void closestIsSortedByXorDistance() {
        RoutingTable t = new RoutingTable(self, 8, false, 0);
        for (int i = 0; i < 200; i++) {
            t.onResponse(node(NodeId.random(random)), 0);
        }
        NodeId target = NodeId.random(random);
        List<NodeInfo> c = t.closest(target, 8, 0);
        assertEquals(8, c.size());
        for (int i = 1; i < c.size(); i++) {
            assertTrue(target.compareDistance(c.get(i - 1).id(), c.get(i).id()) < 0);
        }
    }

    @Test
    void staleBucketsAskForARefreshInsideTheirRange() {
        RoutingTable t = new RoutingTable(self, 8, true, 0);
        for (int p = 0; p < 4; p++) {
            for (int i = 0; i < 8; i++) {
                t.onResponse(nodeAt(p), 0);
            }
        }
        List<NodeId> targets = t.refreshTargets(15 * MIN, 15 * MIN, random);
        assertEquals(t.bucketCount(), targets.size());
        for (int b = 0; b < targets.size() - 1; b++) {
            assertEquals(b, self.commonPrefixLength(targets.get(b)));
        }
        assertTrue(t.refreshTargets(15 * MIN + 1, 15 * MIN, random).isEmpty());
    }
}
