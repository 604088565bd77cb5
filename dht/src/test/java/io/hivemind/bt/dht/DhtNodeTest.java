package io.hivemind.bt.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.core.NodeIdRestriction;
import io.hivemind.bt.wire.bencode.BBytes;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Netty shell on loopback: several nodes on a shared event loop group, the state file, BEP 42 and BEP 43. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DhtNodeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final DhtConfig CONFIG = DhtConfig.builder().restrictRoutingIps(false)
            .rateLimit(10_000, Duration.ofSeconds(10), Duration.ofMinutes(5)).uploadBudget(1 << 24, 1 << 24).build();

    private static DhtNode.Builder node(EventLoopGroup group) {
        return DhtNode.builder().bind(new InetSocketAddress(LOOPBACK, 0)).config(CONFIG).eventLoopGroup(group);
    }

    private static void awaitNodes(DhtNode n, int min) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (n.nodes().get().size() < min) {
            assertTrue(System.nanoTime() < deadline, "only " + n.nodes().get().size() + " nodes");
            TimeUnit.MILLISECONDS.sleep(50); // polling with a bounded deadline
        }
    }

    @Test
    void nodesOnASharedGroupFindPeersAndItemsAndSaveTheirTable(@TempDir Path dir) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Path state = dir.resolve("dht.state");
        try {
            DhtNode a = node(group).build().start().get(10, TimeUnit.SECONDS);
            InetSocketAddress router = a.localAddresses().getFirst();
            DhtNode b = node(group).bootstrap(router).stateFile(state).build().start().get(10, TimeUnit.SECONDS);
            DhtNode c = node(group).bootstrap(router).build().start().get(10, TimeUnit.SECONDS);
            awaitNodes(b, 2);
            awaitNodes(c, 1);
            NodeId ih = NodeId.sha1("x".getBytes());
            assertTrue(b.announce(ih, 7777).get(30, TimeUnit.SECONDS) >= 1);
            List<InetSocketAddress> peers = c.getPeers(ih).get(30, TimeUnit.SECONDS);
            assertTrue(peers.contains(new InetSocketAddress(LOOPBACK, 7777)), peers.toString());
            var put = c.putImmutable(BBytes.of("item")).get(30, TimeUnit.SECONDS);
            assertTrue(put.accepted() >= 1);
            assertEquals(BBytes.of("item"), b.getImmutable(put.target()).get(30, TimeUnit.SECONDS).orElseThrow());
            DhtKeyPair keys = DhtKeyPair.fromSeed(new byte[32]);
            assertTrue(c.putMutable(keys, "ch".getBytes(), 1, BBytes.of("v1"), null).get(30, TimeUnit.SECONDS)
                    .accepted() >= 1);
            assertEquals(1, b.getMutable(keys.publicKey(), "ch".getBytes()).get(30, TimeUnit.SECONDS)
                    .orElseThrow().seq());
            assertTrue(b.stats().queriesOut() > 0 && b.stats().queriesIn() > 0, b.stats().toString());
            NodeId bId = b.id();
            b.close();
            assertTrue(Files.size(state) > 20, "state saved on shutdown");
            assertThrows(ExecutionException.class, () -> b.getPeers(ih).get(), "closed node refuses calls");

            // restart from the state file alone: same id, and the saved nodes bootstrap it
            DhtNode again = node(group).stateFile(state).build().start().get(10, TimeUnit.SECONDS);
            assertEquals(bId, again.id());
            awaitNodes(again, 1);
            again.close();
            a.close();
            c.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** BEP 32: dual-stack nodes keep an IPv6 table beside the IPv4 one and find peers of both families. */
    @Test
    void dualStackOnLoopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            DhtNode a = DhtNode.builder().config(CONFIG).eventLoopGroup(group)
                    .bind(new InetSocketAddress(LOOPBACK, 0)).bind(new InetSocketAddress(v6, 0)).build().start()
                    .get(10, TimeUnit.SECONDS);
            InetSocketAddress[] routers = a.localAddresses().toArray(InetSocketAddress[]::new);
            DhtNode b = DhtNode.builder().config(CONFIG).eventLoopGroup(group).bind(new InetSocketAddress(LOOPBACK, 0))
                    .bind(new InetSocketAddress(v6, 0)).bootstrap(routers).build().start().get(10, TimeUnit.SECONDS);
            DhtNode c = DhtNode.builder().config(CONFIG).eventLoopGroup(group).bind(new InetSocketAddress(LOOPBACK, 0))
                    .bind(new InetSocketAddress(v6, 0)).bootstrap(routers).build().start().get(10, TimeUnit.SECONDS);
            awaitNodes(c, 2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.stats().nodes6() < 1 || c.stats().nodes4() < 1) {
                assertTrue(System.nanoTime() < deadline, c.stats().toString());
                TimeUnit.MILLISECONDS.sleep(50);
            }
            NodeId ih = NodeId.sha1("dual".getBytes());
            assertTrue(b.announce(ih, 5555).get(30, TimeUnit.SECONDS) >= 2, "announced on both families");
            List<InetSocketAddress> peers = c.getPeers(ih).get(30, TimeUnit.SECONDS);
            assertTrue(peers.contains(new InetSocketAddress(LOOPBACK, 5555)), peers.toString());
            assertTrue(peers.contains(new InetSocketAddress(v6, 5555)), peers.toString());
            c.close();
            b.close();
            a.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** BEP 42: with a known external address the node id is generated to match it. */
    @Test
    void externalAddressGivesABep42Id() throws Exception {
        InetAddress external = InetAddress.getByName("203.0.113.50");
        try (DhtNode n = DhtNode.builder().bind(new InetSocketAddress(LOOPBACK, 0)).externalAddress(external)
                .build()) {
            n.start().get(10, TimeUnit.SECONDS);
            assertTrue(NodeIdRestriction.isValid(n.id(), external));
            assertFalse(NodeIdRestriction.isValid(n.id(), InetAddress.getByName("198.51.100.1"))
                    && NodeIdRestriction.isValid(n.id(), InetAddress.getByName("192.0.2.200")));
        }
    }

    /** BEP 43: a read-only node can still look things up but never answers and never enters tables. */
    @Test
    void readOnlyNodeLooksUpButIsNotAdded() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            DhtNode a = node(group).build().start().get(10, TimeUnit.SECONDS);
            DhtNode w = node(group).bootstrap(a.localAddresses().getFirst()).build().start().get(10, TimeUnit.SECONDS);
            awaitNodes(w, 1);
            DhtNode ro = node(group).readOnly(true).bootstrap(a.localAddresses().getFirst()).build().start()
                    .get(10, TimeUnit.SECONDS);
            awaitNodes(ro, 1);
            var put = w.putImmutable(BBytes.of("ro")).get(30, TimeUnit.SECONDS);
            assertEquals(BBytes.of("ro"), ro.getImmutable(put.target()).get(30, TimeUnit.SECONDS).orElseThrow());
            for (NodeInfoCheck n : List.of(new NodeInfoCheck(a), new NodeInfoCheck(w))) {
                assertFalse(n.knows(ro.id()), "read-only node in a routing table");
            }
            assertEquals(0, ro.stats().repliesOut());
            ro.close();
            w.close();
            a.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private record NodeInfoCheck(DhtNode node) {
        boolean knows(NodeId id) throws Exception {
            return node.nodes().get().stream().anyMatch(n -> n.id().equals(id));
        }
    }

    /**
     * BEP 42 (section "Enforcement"): a node that learns its external address takes an id derived from it; the node
     * keeps working under the new id (others find it, peers it announces are found) and a second call is a no-op.
     */
    @Test
    void anExternalAddressGivesARestrictedIdAndTheNodeKeepsWorking() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            DhtNode a = node(group).build().start().get(10, TimeUnit.SECONDS);
            InetSocketAddress router = a.localAddresses().getFirst();
            DhtNode b = node(group).bootstrap(router).build().start().get(10, TimeUnit.SECONDS);
            DhtNode c = node(group).bootstrap(router).build().start().get(10, TimeUnit.SECONDS);
            awaitNodes(b, 2);
            InetAddress external = InetAddress.getByName("203.0.113.7");
            NodeId before = b.id();
            assertFalse(NodeIdRestriction.isValid(before, external), "a random id almost never fits (1 in 2^21)");
            NodeId ih = NodeId.sha1("adopt".getBytes());
            var lookupDuringChange = b.getPeers(ih); // runs on the engine being retired and must still complete

            assertTrue(b.adoptExternalAddress(external).get(10, TimeUnit.SECONDS));
            assertTrue(NodeIdRestriction.isValid(b.id(), external), "new id fits " + external);
            assertFalse(before.equals(b.id()));
            assertFalse(b.adoptExternalAddress(external).get(10, TimeUnit.SECONDS), "already fits: no change");
            assertFalse(b.adoptExternalAddress(InetAddress.getByName("192.168.1.2")).get(10, TimeUnit.SECONDS),
                    "private addresses are exempt");
            lookupDuringChange.get(30, TimeUnit.SECONDS);

            awaitNodes(b, 2); // the new engine re-joined from the old table
            assertTrue(b.announce(ih, 7788).get(30, TimeUnit.SECONDS) >= 1);
            assertTrue(c.getPeers(ih).get(30, TimeUnit.SECONDS).contains(new InetSocketAddress(LOOPBACK, 7788)));
            b.close();
            a.close();
            c.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
