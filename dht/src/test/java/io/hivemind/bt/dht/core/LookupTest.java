package io.hivemind.bt.dht.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BEP 5 iterative lookup as a state machine: alpha parallelism, slow nodes, failures and termination. */
class LookupTest {
    private final SplittableRandom random = new SplittableRandom(3);
    private final NodeId self = NodeId.random(random);
    private final NodeId target = NodeId.random(random);
    private int ip = 1;

    private NodeInfo node() {
        try {
            int i = ip++;
            return new NodeInfo(NodeId.random(random), new InetSocketAddress(
                    InetAddress.getByAddress(new byte[]{10, 0, (byte) (i >> 8), (byte) i}), 1000));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private Lookup lookup() {
        return new Lookup(target, self, 3, 8, 128, 1_000);
    }

    @Test
    void sendsAtMostAlphaAndClosestFirst() {
        Lookup l = lookup();
        List<NodeInfo> seeds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seeds.add(node());
        }
        l.addSeeds(seeds);
        List<Lookup.Candidate> first = l.nextQueries(0);
        assertEquals(3, first.size());
        seeds.sort((a, b) -> target.compareDistance(a.id(), b.id()));
        assertEquals(seeds.subList(0, 3), first.stream().map(Lookup.Candidate::node).toList());
        assertTrue(l.nextQueries(1).isEmpty(), "alpha slots are full");
    }

    @Test
    void slowQueriesFreeTheirSlotButStillCount() {
        Lookup l = lookup();
        for (int i = 0; i < 10; i++) {
            l.addSeeds(List.of(node()));
        }
        List<Lookup.Candidate> first = l.nextQueries(0);
        List<Lookup.Candidate> after = l.nextQueries(1_000);
        assertEquals(3, after.size(), "three slow queries make room for three more");
        assertTrue(l.onResponse(first.getFirst().address(), first.getFirst().id(), List.of(), null),
                "a late answer is still used");
    }

    @Test
    void endsWhenTheKClosestHaveAnswered() {
        // a complete, honest world of 50 nodes: each answers with the 8 closest it knows (all of them)
        List<NodeInfo> world = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            world.add(node());
        }
        Lookup l = lookup();
        l.addSeeds(world.subList(0, 3));
        int guard = 0;
        while (!l.isDone() && guard++ < 1000) {
            for (Lookup.Candidate c : l.nextQueries(guard)) {
                List<NodeInfo> closer = new ArrayList<>(world);
                closer.sort((a, b) -> target.compareDistance(a.id(), b.id()));
                l.onResponse(c.address(), c.id(), closer.subList(0, 8), new byte[]{1});
            }
        }
        assertTrue(l.isDone());
        List<NodeInfo> expected = new ArrayList<>(world);
        expected.sort(Comparator.comparing(NodeInfo::id, (a, b) -> target.compareDistance(a, b)));
        assertEquals(expected.subList(0, 8), l.closestResponded().stream().map(Lookup.Candidate::node).toList());
        assertTrue(l.queries() <= 3 + 8 + 3, "queries " + l.queries());
    }

    @Test
    void failedNodesAreSkippedAndAnsweringWithAnotherIdIsAFailure() {
        Lookup l = lookup();
        NodeInfo a = node();
        NodeInfo b = node();
        l.addSeeds(List.of(a, b));
        l.nextQueries(0);
        l.onFailure(a.address());
        assertFalse(l.onResponse(b.address(), NodeId.random(random), List.of(), null), "id mismatch");
        assertTrue(l.isDone(), "nothing left to ask");
        assertTrue(l.closestResponded().isEmpty());
        assertEquals(2, l.failures());
    }

    @Test
    void routersAreAskedFirstAndJoinByTheirAnsweredId() {
        Lookup l = lookup();
        InetSocketAddress router = node().address();
        l.addRouter(router);
        l.addSeeds(List.of(node()));
        List<Lookup.Candidate> q = l.nextQueries(0);
        assertEquals(router, q.getFirst().address());
        NodeId routerId = NodeId.random(random);
        assertTrue(l.onResponse(router, routerId, List.of(), null));
        assertEquals(routerId, l.candidate(router).id());
    }

    @Test
    void aTimedOutCloseCandidateIsAskedOnceMore() {
        Lookup l = lookup();
        NodeInfo a = node();
        l.addSeeds(List.of(a));
        assertEquals(1, l.nextQueries(0).size());
        l.onTimeout(a.address());
        assertFalse(l.isDone(), "retry pending");
        assertEquals(a.address(), l.nextQueries(1).getFirst().address());
        l.onTimeout(a.address());
        assertTrue(l.isDone(), "no third attempt");
        assertEquals(Lookup.Status.FAILED, l.candidate(a.address()).status());
        assertEquals(2, l.queries());
    }

    @Test
    void ourOwnIdIsNeverACandidate() {
        Lookup l = lookup();
        l.addSeeds(List.of(new NodeInfo(self, node().address())));
        assertTrue(l.nextQueries(0).isEmpty());
        assertTrue(l.isDone());
    }
}
