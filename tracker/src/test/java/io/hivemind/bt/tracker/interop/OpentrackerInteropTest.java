package io.hivemind.bt.tracker.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.hivemind.bt.tracker.TrackerSession;
import io.hivemind.bt.tracker.TrackerStatus;
import io.hivemind.bt.tracker.TrackerTransport;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our client against Debian's opentracker on loopback, over HTTP (BEP 3, BEP 23, BEP 48) and UDP (BEP 15):
 * announces, scrapes, the whitelist's refusal surfaced as a typed failure, and a {@link TrackerSession}.
 * INTEROP.md: the Debian build serves only whitelisted info-hashes and will not run as root, so the test writes a
 * config with {@code access.whitelist} and {@code tracker.user nobody} into a temporary directory.
 */
@Tag("interop")
class OpentrackerInteropTest {
    private static final byte[] LISTED = hash(1);
    private static final byte[] OTHER_LISTED = hash(2);
    private static final byte[] UNLISTED = hash(3);

    @TempDir
    Path tmp;
    private Interop io;
    private EventLoopGroup group;
    private TrackerClient client;
    private int port;

    private static byte[] hash(int n) {
        byte[] h = new byte[20];
        for (int i = 0; i < 20; i++) {
            h[i] = (byte) (n * 31 + i * 7);
        }
        return h;
    }

    @BeforeEach
    void startOpentracker() throws Exception {
        ExternalPrograms.require("opentracker", "opentracker");
        io = new Interop(tmp);
        port = Interop.freePort();
        Path whitelist = tmp.resolve("whitelist.txt");
        Files.writeString(whitelist, HexFormat.of().formatHex(LISTED) + "\n" + HexFormat.of().formatHex(OTHER_LISTED)
                + "\n");
        Files.setPosixFilePermissions(whitelist, PosixFilePermissions.fromString("rw-r--r--"));
        Path conf = tmp.resolve("opentracker.conf");
        Files.writeString(conf, "listen.tcp_udp 127.0.0.1:" + port + "\naccess.whitelist " + whitelist + "\n"
                + (Interop.runningAsRoot() ? "tracker.user nobody\n" : ""));
        io.start("opentracker", List.of("opentracker", "-f", conf.toString()));
        Interop.awaitTcp(port, 15);
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        client = TrackerClient.builder(TrackerTransport.nio(group)).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (io != null) {
            io.close();
        }
    }

    private URI http() {
        return URI.create("http://127.0.0.1:" + port + "/announce");
    }

    private URI udp() {
        return URI.create("udp://127.0.0.1:" + port + "/announce");
    }

    private static AnnounceRequest.Builder req(byte[] hash, int peerPort) {
        return AnnounceRequest.builder().infoHash(hash).peerId(("-HV0001-" + String.format("%012d", peerPort))
                .getBytes()).port(peerPort).left(1000).event(AnnounceEvent.STARTED);
    }

    private static TrackerException failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> f.orTimeout(30, TimeUnit.SECONDS).join());
        return assertInstanceOf(TrackerException.class, e.getCause());
    }

    private static InetSocketAddress local(int p) {
        return new InetSocketAddress(Interop.LOOPBACK, p);
    }

    @Test
    void httpAndUdpAnnouncesSeeEachOther() throws Exception {
        AnnounceResponse a = client.announce(http(), req(LISTED, 40001).build()).get(30, TimeUnit.SECONDS);
        assertTrue(a.intervalSeconds() > 0);
        AnnounceResponse b = client.announce(udp(), req(LISTED, 40002).left(0).build()).get(30, TimeUnit.SECONDS);
        assertTrue(b.peers().contains(local(40001)), "UDP announce sees the HTTP peer: " + b.peers());
        assertEquals(1, b.seeders());
        AnnounceResponse c = client.announce(http(), req(LISTED, 40003).numWant(10).build()).get(30, TimeUnit.SECONDS);
        assertTrue(c.peers().containsAll(Set.of(local(40001), local(40002))), c.peers().toString());
        assertEquals(1, c.seeders());
        assertEquals(2, c.leechers());
        AnnounceResponse stopped = client.announce(udp(), req(LISTED, 40003).event(AnnounceEvent.STOPPED).numWant(0)
                .build()).get(30, TimeUnit.SECONDS);
        assertEquals(1, stopped.leechers(), "stopped removed the peer");
    }

    @Test
    void scrapeOverHttpAndUdp() throws Exception {
        client.announce(http(), req(LISTED, 41001).build()).get(30, TimeUnit.SECONDS);
        client.announce(udp(), req(LISTED, 41002).left(0).build()).get(30, TimeUnit.SECONDS);
        ScrapeResponse viaHttp = client.scrape(http(), List.of(LISTED, OTHER_LISTED)).get(30, TimeUnit.SECONDS);
        assertEquals(1, viaHttp.find(LISTED).seeders());
        assertEquals(1, viaHttp.find(LISTED).leechers());
        ScrapeResponse viaUdp = client.scrape(udp(), List.of(LISTED, OTHER_LISTED)).get(30, TimeUnit.SECONDS);
        assertEquals(new ScrapeResponse.Entry(LISTED, 1, 1, 0), viaUdp.entries().get(0));
        assertEquals(0, viaUdp.entries().get(1).seeders() + viaUdp.entries().get(1).leechers());
    }

    /** opentracker's refusal of an unlisted torrent reaches us as a typed error, never a hang or a crash. */
    @Test
    void unlistedTorrentIsATypedFailure() {
        TrackerException viaHttp = failure(client.announce(http(), req(UNLISTED, 42001).build()));
        assertEquals(Reason.TRACKER_FAILURE, viaHttp.reason());
        assertTrue(viaHttp.getMessage().contains("not authorized"), viaHttp.getMessage());
        assertTrue(viaHttp.isPermanent());
        // Over UDP opentracker answers an unlisted announce with an 8-byte announce header and nothing else,
        // which BEP 15 ("check whether the packet is at least 20 bytes") makes a malformed response.
        TrackerException viaUdp = failure(client.announce(udp(), req(UNLISTED, 42001).build()));
        assertEquals(Reason.MALFORMED_RESPONSE, viaUdp.reason(), viaUdp.getMessage());
    }

    @Test
    void trackerSessionAnnouncesAndStops() throws Exception {
        client.announce(udp(), req(OTHER_LISTED, 43001).build()).get(30, TimeUnit.SECONDS);
        BlockingQueue<List<InetSocketAddress>> peers = new LinkedBlockingQueue<>();
        TrackerSession session = TrackerSession.builder(client, group.next())
                .tiers(List.of(List.of(udp()), List.of(http())))
                .infoHashes(List.of(OTHER_LISTED)).peerId("-HV0001-000000043002".getBytes()).port(43002)
                .progress(() -> new TrackerSession.Progress(0, 0, 10)).onPeers(peers::add).build();
        session.start();
        List<InetSocketAddress> got = peers.poll(30, TimeUnit.SECONDS);
        assertTrue(got != null && got.contains(local(43001)), String.valueOf(got));
        Interop.await(() -> session.status().stream().anyMatch(TrackerStatus::current), 30, "status");
        assertEquals(udp(), session.status().stream().filter(TrackerStatus::current).findFirst().orElseThrow().url());
        session.stop().get(30, TimeUnit.SECONDS);
        ScrapeResponse after = client.scrape(udp(), List.of(OTHER_LISTED)).get(30, TimeUnit.SECONDS);
        assertEquals(1, after.entries().getFirst().leechers(), "our stopped left only the other peer");
    }
}
