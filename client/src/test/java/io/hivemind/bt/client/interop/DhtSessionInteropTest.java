package io.hivemind.bt.client.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 5 between sessions with libtorrent 2.0 on loopback, no public bootstrap and no tracker or peer address: the
 * only way the peers meet is the DHT. As INTEROP.md and the dht module's interop test found, libtorrent needs
 * {@code dht_restrict_routing_ips}/{@code dht_restrict_search_ips} off on loopback and never puts the node it
 * bootstrapped from into its routing table; its announce interval is lowered so that it announces within seconds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DhtSessionInteropTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @BeforeEach
    void requireLibtorrent() {
        ExternalPrograms.requireLibtorrent();
    }

    private static SessionSettings.Builder settings() {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(true).lsd(false).pex(false)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED);
    }

    private Metainfo data(Path dir) throws Exception {
        LibtorrentInteropTest.writeRandom(dir.resolve("dht.bin"), 2 * 1024 * 1024 + 3, 71);
        return TorrentCreator.builder(dir.resolve("dht.bin")).pieceLength(64 * 1024).build().create();
    }

    /**
     * libtorrent bootstraps only from our seeder's DHT node. Our seeder S announces into the DHT (to node C, which
     * joined through S); libtorrent learns C from S, looks the torrent up, finds S and downloads from it.
     */
    @Test
    void libtorrentFindsOurSeederThroughOurDht() throws Exception {
        Path src = tmp.resolve("src");
        Metainfo mi = data(src);
        Path torrent = tmp.resolve("dht.torrent");
        Files.write(torrent, mi.encode());
        try (Session s = Session.builder().settings(settings().dhtBootstrap().build()).build()) {
            s.add(AddTorrent.metainfo(mi).saveTo(src).limits(1_000_000, 0)).get(10, TimeUnit.SECONDS)
                    .completion().get(30, TimeUnit.SECONDS);
            int sPort = s.listenAddresses().get(0).getPort();
            try (DhtNode c = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                    .config(DhtConfig.builder().restrictRoutingIps(false)
                            .rateLimit(1_000_000, Duration.ofSeconds(10), Duration.ofMinutes(5)).build())
                    .bootstrap(new InetSocketAddress("127.0.0.1", sPort)).build()) {
                c.start().get(10, TimeUnit.SECONDS);
                // our side first: S's announce must have reached C (C's get_peers sees its own store)
                InetSocketAddress sAddr = new InetSocketAddress("127.0.0.1", sPort);
                long end = System.nanoTime() + DEADLINE.toNanos();
                List<InetSocketAddress> seen = List.of();
                while (!seen.contains(sAddr) && System.nanoTime() < end) {
                    seen = c.getPeers(NodeId.of(mi.infoHashes().v1())).get(30, TimeUnit.SECONDS);
                    if (!seen.contains(sAddr)) {
                        Thread.sleep(500); // S retries its announce every few seconds; poll with a deadline
                    }
                }
                assertTrue(seen.contains(sAddr), "S never announced itself to C: " + seen);
                Path dl = tmp.resolve("lt-dl");
                try (ExternalPeer lt = LtDiscovery.download(torrent.toString(), dl).set("dht", true)
                        .set("dht_bootstrap", "127.0.0.1:" + sPort).set("wait_dht_nodes", 1)
                        .set("dht_announce_interval", 5).set("linger", 1)
                        .set("deadline", DEADLINE.toSeconds()).start(tmp, "libtorrent-dht")) {
                    LtDiscovery.LtPeer found = LtDiscovery.awaitPeer(lt, sPort, LtDiscovery.SOURCE_DHT, DEADLINE);
                    assertEquals(sPort, found.port());
                    lt.await("done"::equals, DEADLINE);
                }
                assertArrayEquals(Files.readAllBytes(src.resolve("dht.bin")), Files.readAllBytes(dl.resolve("dht.bin")));
            }
        }
    }

    /**
     * Our downloader bootstraps only from libtorrent's DHT node; the libtorrent seeder announces its torrent to
     * the nodes it knows (ours, once we queried it); our get_peers finds it and we download from it (libtorrent,
     * having found our own announce, may be the one that dials).
     */
    @Test
    void weFindALibtorrentSeederThroughItsDht() throws Exception {
        Path src = tmp.resolve("src");
        Metainfo mi = data(src);
        Path torrent = tmp.resolve("dht.torrent");
        Files.write(torrent, mi.encode());
        try (ExternalPeer lt = LtDiscovery.seed(torrent.toString(), src).set("dht", true).set("stay", true)
                .set("dht_announce_interval", 5).set("deadline", DEADLINE.toSeconds() + 30)
                .start(tmp, "libtorrent-dht-seed")) {
            int ltPort = LtDiscovery.awaitReady(lt, DEADLINE);
            try (Session d = Session.builder().settings(settings().dhtBootstrap("127.0.0.1:" + ltPort).build()).build()) {
                // slow enough (2 MiB at 256 KiB/s) that the peer snapshot polled below sees the connection before we
                // are a seed and close it (BOTH_SEEDS)
                TorrentHandle h = d.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl")).limits(0, 256 * 1024))
                        .get(10, TimeUnit.SECONDS);
                PeerInfo viaDht = null;
                java.util.Set<String> peersSeen = new java.util.LinkedHashSet<>();
                long end = System.nanoTime() + DEADLINE.toNanos();
                while (viaDht == null && System.nanoTime() < end) {
                    for (PeerInfo p : h.peers().get(10, TimeUnit.SECONDS)) {
                        peersSeen.add(p.address() + (p.incoming() ? " in " : " out ") + p.source() + " " + p.client());
                        // we dial it, or libtorrent (which found our announce) dials us first and our dial is a
                        // duplicate: then the source is that of its listen address from its extension handshake
                        if (p.address().getPort() == ltPort || p.incoming() && p.client().contains("libtorrent")) {
                            viaDht = p;
                        }
                    }
                    Thread.sleep(50); // polling a snapshot with a bounded deadline
                }
                assertTrue(viaDht != null, "never connected to libtorrent (peers seen " + peersSeen + ", our disconnects: " + d.stats().disconnects() + ", status " + h.status()
                        + "); its output:\n" + lt.output());
                // libtorrent, which learned our address from our announce, often dials us first; what this test
                // proves is that our DHT node finds the seeder, through libtorrent's announce_peer to it
                InetSocketAddress ltAddr = new InetSocketAddress("127.0.0.1", ltPort);
                List<InetSocketAddress> inOurDht = List.of();
                long until = System.nanoTime() + DEADLINE.toNanos();
                while (!inOurDht.contains(ltAddr) && System.nanoTime() < until) {
                    inOurDht = d.dhtNode().orElseThrow().getPeers(NodeId.of(mi.infoHashes().v1())).get(30, TimeUnit.SECONDS);
                    if (!inOurDht.contains(ltAddr)) {
                        Thread.sleep(500); // libtorrent announces every 5 s; poll with a deadline
                    }
                }
                assertTrue(inOurDht.contains(ltAddr), "our DHT never found the libtorrent seeder: " + inOurDht);
                assertTrue(viaDht.address().getPort() != ltPort || viaDht.source().equals("dht"), viaDht.source());
                h.completion().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertTrue(d.stats().dhtNodes() >= 1, "our routing table holds libtorrent");
            }
        }
        assertArrayEquals(Files.readAllBytes(src.resolve("dht.bin")), Files.readAllBytes(tmp.resolve("dl/dht.bin")));
    }
}
