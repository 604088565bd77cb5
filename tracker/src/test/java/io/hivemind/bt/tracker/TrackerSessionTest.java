package io.hivemind.bt.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.server.TrackerServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-torrent shell on real sockets: tiers fall through, peers arrive, stop reaches the tracker, hybrids. */
class TrackerSessionTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private EventLoopGroup group;
    private TrackerClient client;

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        client = TrackerClient.builder(TrackerTransport.nio(group))
                .udpSchedule(new UdpRetransmitSchedule(Duration.ofMillis(200), 1)).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static byte[] hash(int n) {
        byte[] h = new byte[20];
        h[0] = (byte) n;
        h[1] = 1;
        return h;
    }

    private static byte[] peerId(int n) {
        return String.format("-HV0001-%012d", n).getBytes();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void fallsThroughADeadTierAndDeliversPeersThenStops() throws Exception {
        try (TrackerServer s = TrackerServer.builder().bindAddress(LOOPBACK).httpPort(0).udpPort(0).build().start();
             java.net.DatagramSocket dead = new java.net.DatagramSocket(0, LOOPBACK)) {
            URI deadUdp = URI.create("udp://127.0.0.1:" + dead.getLocalPort());
            URI http = URI.create("http://127.0.0.1:" + s.httpAddress().getPort() + "/announce");
            URI udp = URI.create("udp://127.0.0.1:" + s.udpAddress().getPort());
            // Someone is already in the swarm.
            client.announce(udp, AnnounceRequest.builder().infoHash(hash(1)).peerId(peerId(9)).port(9999).left(5)
                    .build()).join();
            BlockingQueue<List<InetSocketAddress>> peers = new LinkedBlockingQueue<>();
            TrackerSession session = TrackerSession.builder(client, group.next())
                    .tiers(List.of(List.of(deadUdp), List.of(http, udp)))
                    .infoHashes(List.of(hash(1))).peerId(peerId(1)).port(6881)
                    .progress(() -> new TrackerSession.Progress(0, 0, 100)).onPeers(peers::add).build();
            session.start();
            List<InetSocketAddress> got = peers.poll(30, TimeUnit.SECONDS);
            assertEquals(List.of(new InetSocketAddress(LOOPBACK, 9999)), got);
            await(() -> session.status().stream().anyMatch(TrackerStatus::current), "a current tracker");
            List<TrackerStatus> st = session.status();
            assertEquals(TrackerStatus.State.FAILED, st.get(0).state());
            assertEquals(deadUdp, st.get(0).url());
            TrackerStatus current = st.stream().filter(TrackerStatus::current).findFirst().orElseThrow();
            assertEquals(1, current.tier());
            assertEquals(TrackerStatus.State.WORKING, current.state());
            assertTrue(current.nextAnnounceNanos() > 0);
            assertEquals(2, s.stats().leechers());
            session.stop().get(30, TimeUnit.SECONDS);
            assertEquals(1, s.stats().leechers(), "stopped reached the tracker");
        }
    }

    @Test
    void failureReasonDisablesTheUrlAndCompletedIsSent() throws Exception {
        try (TrackerServer open = TrackerServer.builder().bindAddress(LOOPBACK).httpPort(0).udpPort(-1)
                .build().start();
             TrackerServer closed = TrackerServer.builder().bindAddress(LOOPBACK).httpPort(0).udpPort(-1)
                     .whitelist(List.of(hash(77))).build().start()) {
            URI good = URI.create("http://127.0.0.1:" + open.httpAddress().getPort() + "/announce");
            URI refusing = URI.create("http://127.0.0.1:" + closed.httpAddress().getPort() + "/announce");
            long[] left = {100};
            TrackerSession session = TrackerSession.builder(client, group.next())
                    .tiers(List.of(List.of(refusing), List.of(good)))
                    .infoHashes(List.of(hash(2))).peerId(peerId(1)).port(6881)
                    .progress(() -> new TrackerSession.Progress(0, 100 - left[0], left[0])).build();
            session.start();
            await(() -> open.stats().announces() == 1, "announce to the second tier");
            TrackerStatus refused = session.status().stream().filter(t -> t.url().equals(refusing)).findFirst()
                    .orElseThrow();
            assertEquals(TrackerStatus.State.DISABLED, refused.state());
            assertEquals("unregistered torrent", refused.message());
            group.next().submit(() -> left[0] = 0).get();
            session.completed();
            await(() -> open.stats().seeders() == 1, "completed with left=0");
            assertEquals(1, closed.stats().rejected(), "the disabled URL was not asked again");
            session.stop().get(30, TimeUnit.SECONDS);
        }
    }

    /** BEP 52: a hybrid torrent announces its v1 and truncated v2 info-hashes. */
    @Test
    void hybridAnnouncesBothInfoHashes() throws Exception {
        try (TrackerServer s = TrackerServer.builder().bindAddress(LOOPBACK).httpPort(-1).udpPort(0).build().start()) {
            URI udp = URI.create("udp://127.0.0.1:" + s.udpAddress().getPort());
            client.announce(udp, AnnounceRequest.builder().infoHash(hash(4)).peerId(peerId(8)).port(8000).left(1)
                    .build()).join(); // a v2-only peer
            client.announce(udp, AnnounceRequest.builder().infoHash(hash(3)).peerId(peerId(7)).port(7000).left(1)
                    .build()).join(); // a v1-only peer
            BlockingQueue<List<InetSocketAddress>> peers = new LinkedBlockingQueue<>();
            TrackerSession session = TrackerSession.builder(client, group.next()).tiers(List.of(List.of(udp)))
                    .infoHashes(List.of(hash(3), hash(4))).peerId(peerId(1)).port(6881).onPeers(peers::add).build();
            session.start();
            List<InetSocketAddress> got = peers.poll(30, TimeUnit.SECONDS);
            assertEquals(java.util.Set.of(new InetSocketAddress(LOOPBACK, 7000), new InetSocketAddress(LOOPBACK, 8000)),
                    java.util.Set.copyOf(got));
            assertEquals(2, s.stats().swarms());
            session.stop().get(30, TimeUnit.SECONDS);
        }
    }
}
