package io.hivemind.bt.tracker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.AnnounceEvent;
import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.AnnounceResponse;
import io.hivemind.bt.tracker.ScrapeResponse;
import io.hivemind.bt.tracker.TrackerClient;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.TrackerTransport;
import io.hivemind.bt.tracker.UdpRetransmitSchedule;
import io.hivemind.bt.tracker.protocol.HttpTrackerRequests;
import io.hivemind.bt.tracker.protocol.UdpTrackerProtocol;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our tracker server and our client on loopback: HTTP (BEP 3, BEP 23, BEP 48), UDP (BEP 15), and the HARDENING.md
 * rules that need a socket (numwant cap, ip= and forwarding headers, no amplification, silence on garbage).
 */
class TrackerServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static EventLoopGroup group;
    private static TrackerClient client;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        client = TrackerClient.builder(TrackerTransport.nio(group)).build();
    }

    @AfterAll
    static void tearDown() {
        client.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static TrackerServer.Builder server() {
        return TrackerServer.builder().bindAddress(LOOPBACK).httpPort(0).udpPort(0)
                .transport(group, io.netty.channel.socket.nio.NioServerSocketChannel::new,
                        io.netty.channel.socket.nio.NioDatagramChannel::new);
    }

    private static URI http(TrackerServer s) {
        return URI.create("http://127.0.0.1:" + s.httpAddress().getPort() + "/announce");
    }

    private static URI udp(TrackerServer s) {
        return URI.create("udp://127.0.0.1:" + s.udpAddress().getPort() + "/announce");
    }

    private static byte[] hash(int n) {
        byte[] h = new byte[20];
        h[0] = (byte) n;
        h[5] = '&';
        h[6] = '%';
        h[19] = (byte) 0xff;
        return h;
    }

    private static AnnounceRequest.Builder req(byte[] hash, int port) {
        byte[] peerId = ("-HV0001-" + String.format("%012d", port)).getBytes();
        return AnnounceRequest.builder().infoHash(hash).peerId(peerId).port(port).left(100)
                .event(AnnounceEvent.STARTED);
    }

    private static TrackerException failure(java.util.concurrent.CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(TrackerException.class, e.getCause());
    }

    @Test
    void httpAnnounceAndScrape() {
        try (TrackerServer s = server().build().start()) {
            AnnounceResponse first = client.announce(http(s), req(hash(1), 1001).build()).join();
            assertEquals(30, first.intervalSeconds());
            assertEquals(10, first.minIntervalSeconds());
            assertTrue(first.peers().isEmpty());
            assertEquals(1, first.leechers());
            AnnounceResponse second = client.announce(http(s), req(hash(1), 1002).left(0).build()).join();
            assertEquals(List.of(new InetSocketAddress(LOOPBACK, 1001)), second.peers());
            assertEquals(1, second.seeders());
            client.announce(http(s), req(hash(1), 1002).left(0).event(AnnounceEvent.COMPLETED).build()).join();
            ScrapeResponse sc = client.scrape(http(s), List.of(hash(1), hash(2))).join();
            ScrapeResponse.Entry e = sc.find(hash(1));
            assertEquals(1, e.seeders());
            assertEquals(1, e.leechers());
            assertEquals(1, e.downloaded());
            assertEquals(0, sc.find(hash(2)).seeders());
            AnnounceResponse stopped = client.announce(http(s),
                    req(hash(1), 1001).event(AnnounceEvent.STOPPED).build()).join();
            assertEquals(0, stopped.leechers());
            assertTrue(stopped.peers().isEmpty());
        }
    }

    @Test
    void udpAnnounceAndScrapeShareSwarmsWithHttp() {
        try (TrackerServer s = server().build().start()) {
            client.announce(udp(s), req(hash(3), 2001).build()).join();
            AnnounceResponse viaHttp = client.announce(http(s), req(hash(3), 2002).build()).join();
            assertEquals(List.of(new InetSocketAddress(LOOPBACK, 2001)), viaHttp.peers());
            AnnounceResponse viaUdp = client.announce(udp(s), req(hash(3), 2003).numWant(10).build()).join();
            assertEquals(Set.of(new InetSocketAddress(LOOPBACK, 2001), new InetSocketAddress(LOOPBACK, 2002)),
                    Set.copyOf(viaUdp.peers()));
            assertEquals(30, viaUdp.intervalSeconds());
            assertEquals(3, viaUdp.leechers());
            ScrapeResponse sc = client.scrape(udp(s), List.of(hash(3), hash(4))).join();
            assertEquals(3, sc.entries().get(0).leechers());
            assertEquals(0, sc.entries().get(1).leechers());
            TrackerServerStats st = s.stats();
            assertEquals(1, st.swarms());
            assertEquals(3, st.leechers());
            assertEquals(3, st.announces());
            assertTrue(st.connects() >= 1);
        }
    }

    @Test
    void whitelistServesOnlyListedTorrents() {
        try (TrackerServer s = server().whitelist(List.of(hash(10))).build().start()) {
            client.announce(http(s), req(hash(10), 1).build()).join();
            client.announce(udp(s), req(hash(10), 2).build()).join();
            TrackerException e = failure(client.announce(http(s), req(hash(11), 1).build()));
            assertEquals(Reason.TRACKER_FAILURE, e.reason());
            assertEquals("unregistered torrent", e.getMessage());
            e = failure(client.announce(udp(s), req(hash(11), 1).build()));
            assertEquals(Reason.TRACKER_FAILURE, e.reason());
            assertEquals("unregistered torrent", e.getMessage());
            s.whitelist(List.of(hash(11)));
            client.announce(http(s), req(hash(11), 1).build()).join();
            assertTrue(s.stats().rejected() >= 2);
        }
    }

    /** HARDENING.md: numwant default 50, capped at max peers (200). */
    @Test
    void numwantIsClamped() {
        try (TrackerServer s = server().build().start()) {
            for (int p = 1; p <= 260; p++) {
                client.announce(udp(s), req(hash(20), p).numWant(0).build()).join();
            }
            assertEquals(200, client.announce(udp(s), req(hash(20), 999).numWant(5000).build()).join().peers().size());
            assertEquals(50, client.announce(udp(s), req(hash(20), 999).numWant(-1).build()).join().peers().size());
            assertEquals(50, client.announce(http(s), req(hash(20), 999).numWant(-1).build()).join().peers().size());
            assertEquals(7, client.announce(http(s), req(hash(20), 999).numWant(7).build()).join().peers().size());
        }
        try (TrackerServer s = server().maxPeers(20).build().start()) {
            for (int p = 1; p <= 30; p++) {
                client.announce(http(s), req(hash(21), p).numWant(0).build()).join();
            }
            assertEquals(20, client.announce(http(s), req(hash(21), 99).numWant(200).build()).join().peers().size());
        }
    }

    private static HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
        try (HttpClient h = HttpClient.newHttpClient()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return h.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static Set<String> peerIps(AnnounceResponse r) {
        Set<String> out = new HashSet<>();
        for (InetSocketAddress a : r.peers()) {
            out.add(a.getAddress().getHostAddress());
        }
        return out;
    }

    /** HARDENING.md: ip= and forwarding headers are ignored unless the connection comes from a trusted proxy. */
    @Test
    void ipParameterAndForwardingHeadersNeedATrustedProxy() throws Exception {
        try (TrackerServer s = server().build().start()) {
            URI u = URI.create(HttpTrackerRequests.announceUri(http(s), req(hash(30), 5000).build()) + "&ip=1.2.3.4");
            assertEquals(200, get(u, "X-Forwarded-For", "5.6.7.8", "X-Real-IP", "9.9.9.9").statusCode());
            AnnounceResponse r = client.announce(http(s), req(hash(30), 5001).build()).join();
            assertEquals(Set.of("127.0.0.1"), peerIps(r));
        }
        try (TrackerServer s = server().trustedProxies(List.of("127.0.0.0/8")).build().start()) {
            get(HttpTrackerRequests.announceUri(http(s), req(hash(31), 5000).build()), "X-Forwarded-For",
                    "5.6.7.8, 127.0.0.9");
            get(URI.create(HttpTrackerRequests.announceUri(http(s), req(hash(31), 5002).build()) + "&ip=1.2.3.4"));
            get(HttpTrackerRequests.announceUri(http(s), req(hash(31), 5003).build()), "X-Real-IP", "9.9.9.9");
            AnnounceResponse r = client.announce(http(s), req(hash(31), 5001).build()).join();
            assertEquals(Set.of("5.6.7.8", "1.2.3.4", "9.9.9.9"), peerIps(r));
        }
    }

    @Test
    void nonCompactAndPeers6AndStatsOverPlainHttp() throws Exception {
        try (TrackerServer s = TrackerServer.builder().bindAddress(InetAddress.getByName("::1")).httpPort(0)
                .udpPort(-1).build().start()) {
            URI base = URI.create("http://[::1]:" + s.httpAddress().getPort() + "/announce");
            client.announce(base, req(hash(40), 7000).build()).join();
            AnnounceResponse r = client.announce(base, req(hash(40), 7001).build()).join();
            assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("::1"), 7000)), r.peers(),
                    "an IPv6 peer comes back in peers6 (BEP 7)");
            HttpResponse<byte[]> res = get(URI.create(HttpTrackerRequests.announceUri(base,
                    req(hash(40), 7002).build()).toString().replace("compact=1", "compact=0")));
            BDict d = (BDict) BencodeDecoder.decode(res.body());
            BList peers = d.getList("peers");
            assertEquals(2, peers.size());
            BDict p = (BDict) peers.get(0);
            assertTrue(p.getString("ip").contains(":"));
            assertTrue(p.getLong("port", 0) >= 7000);
            HttpResponse<byte[]> stats = get(URI.create("http://[::1]:" + s.httpAddress().getPort() + "/stats"));
            String json = new String(stats.body());
            assertTrue(json.contains("\"swarms\":1"), json);
            assertTrue(json.contains("\"leechers\":3"), json);
            assertTrue(json.contains("\"announces_per_s\":"), json);
            assertTrue(json.contains("\"scrapes_per_s\":"), json);
            assertEquals("application/json", stats.headers().firstValue("content-type").orElse(""));
            assertEquals(404, get(URI.create("http://[::1]:" + s.httpAddress().getPort() + "/nope")).statusCode());
            HttpResponse<byte[]> full = get(URI.create("http://[::1]:" + s.httpAddress().getPort() + "/scrape"));
            assertTrue(new String(full.body()).contains("failure reason"), "no full scrape");
        }
    }

    /** HARDENING.md: at most 50 info-hashes per scrape, over HTTP and UDP. */
    @Test
    void scrapeLimit() throws Exception {
        try (TrackerServer s = server().build().start()) {
            StringBuilder q = new StringBuilder("http://127.0.0.1:" + s.httpAddress().getPort() + "/scrape?");
            for (int i = 0; i < 51; i++) {
                q.append("info_hash=").append("a".repeat(20)).append('&');
            }
            String body = new String(get(URI.create(q.toString())).body());
            assertTrue(body.contains("failure reason"), body);
            List<byte[]> fifty = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fifty.add(hash(100 + i));
            }
            assertEquals(50, client.scrape(udp(s), fifty).join().entries().size());
            List<byte[]> more = new java.util.ArrayList<>(fifty);
            more.add(hash(99));
            try (TrackerClient impatient = TrackerClient.builder(TrackerTransport.nio(group))
                    .udpSchedule(new UdpRetransmitSchedule(Duration.ofMillis(300), 1)).build()) {
                TrackerException e = failure(impatient.scrape(udp(s), more));
                assertEquals(Reason.TIMEOUT, e.reason(), "the server drops an oversized scrape without a reply");
            }
        }
    }

    /**
     * HARDENING.md: no reply to an unauthenticated packet is larger than the packet; garbage gets no reply at all;
     * a forged connection id is refused.
     */
    @Test
    void udpAnswersNeverAmplify() throws Exception {
        try (TrackerServer s = server().build().start(); DatagramSocket sock = new DatagramSocket(0, LOOPBACK)) {
            sock.setSoTimeout(10_000);
            InetSocketAddress to = s.udpAddress();
            sock.send(new DatagramPacket(new byte[15], 15, to)); // garbage: silence
            byte[] junk = new byte[200];
            junk[11] = 9; // unknown action: silence
            sock.send(new DatagramPacket(junk, junk.length, to));
            ByteBuf announce = Unpooled.buffer();
            UdpTrackerProtocol.writeAnnounce(announce, 0x1234_5678_9abcL, 77, req(hash(50), 1).build());
            byte[] forged = new byte[announce.readableBytes()];
            announce.readBytes(forged);
            announce.release();
            sock.send(new DatagramPacket(forged, forged.length, to));
            byte[] connect = new byte[16];
            ByteBuf c = Unpooled.wrappedBuffer(connect).writerIndex(0);
            UdpTrackerProtocol.writeConnect(c, 88);
            sock.send(new DatagramPacket(connect, 16, to));
            // Replies come back in order: the first is the error for the forged id, the second the connect reply.
            DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
            sock.receive(in);
            ByteBuf r1 = Unpooled.wrappedBuffer(in.getData(), 0, in.getLength());
            assertEquals(UdpTrackerProtocol.ACTION_ERROR, r1.getInt(0));
            assertEquals(77, r1.getInt(4));
            assertTrue(in.getLength() <= forged.length);
            sock.receive(in);
            assertEquals(16, in.getLength(), "connect reply is as long as the request");
            ByteBuf r2 = Unpooled.wrappedBuffer(in.getData(), 0, in.getLength());
            assertEquals(UdpTrackerProtocol.ACTION_CONNECT, r2.getInt(0));
            assertEquals(88, r2.getInt(4));
            assertEquals(3, s.stats().rejected());
            assertEquals(0, s.stats().swarms(), "the forged announce stored nothing");
        }
    }

    @Test
    void peersExpireAfterTheTimeout() {
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        try (TrackerServer s = server().ticker(clock::get).announceInterval(Duration.ofSeconds(30))
                .peerTimeoutFactor(2).build().start()) {
            client.announce(http(s), req(hash(60), 1).build()).join();
            client.announce(http(s), req(hash(61), 1).build()).join();
            clock.addAndGet(40_000_000_000L);
            client.announce(http(s), req(hash(60), 2).build()).join();
            clock.addAndGet(20_000_000_000L);
            assertEquals(0, s.expireNow(), "60 s is not more than 2 × 30 s");
            clock.addAndGet(4_000_000_000L);
            assertEquals(2, s.expireNow(), "peers seen 64 s ago are gone after 2 × 30 s (4 s steps)");
            assertEquals(1, s.stats().swarms());
            assertEquals(1, s.stats().leechers());
        }
    }

    @Test
    void badSettingsFailFast() {
        assertThrows(IllegalArgumentException.class, () -> TrackerServer.builder().httpPort(-1).udpPort(-1).build());
        assertThrows(IllegalArgumentException.class, () -> TrackerServer.builder().maxPeers(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> TrackerServer.builder().minInterval(Duration.ofSeconds(60)).build());
        assertFalse(TrackerServer.builder().config().trustedProxies().iterator().hasNext());
    }
}
