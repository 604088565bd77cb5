package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 5 in the session: a downloader with no tracker and no peer address finds the seeder through the DHT; a private
 * torrent (BEP 27) is never announced into it.
 */
class DhtSessionTest {

    @Test
    void downloaderFindsSeederThroughTheDht(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("seed");
        LoopbackSwarmTest.writeRandom(data.resolve("f.bin"), 1_000_000, 7);
        Metainfo mi = TorrentCreator.builder(data.resolve("f.bin")).pieceLength(32 * 1024).build().create();
        try (DhtNode router = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .config(DhtConfig.builder().restrictRoutingIps(false).rateLimit(1_000_000, Duration.ofSeconds(10), Duration.ofMinutes(5)).build())
                .build()) {
            router.start().get(10, TimeUnit.SECONDS);
            int routerPort = router.localAddresses().get(0).getPort();
            SessionSettings settings = SessionSettings.builder().listen("127.0.0.1:0").dht(true)
                    .dhtBootstrap("127.0.0.1:" + routerPort).lsd(false).pex(false).build();
            try (Session seeder = Session.builder().settings(settings).build();
                 Session downloader = Session.builder().settings(settings).build()) {
                TorrentHandle seed = seeder.add(AddTorrent.metainfo(mi).saveTo(data)).get(10, TimeUnit.SECONDS);
                seed.completion().get(30, TimeUnit.SECONDS);
                TorrentHandle h = downloader.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl"))).get(10, TimeUnit.SECONDS);
                h.completion().get(90, TimeUnit.SECONDS);
                assertArrayEquals(Files.readAllBytes(data.resolve("f.bin")), Files.readAllBytes(tmp.resolve("dl/f.bin")));
                // the download can end before the bootstrap lookup has filled the table: poll, bounded
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (downloader.stats().dhtNodes() == 0 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertTrue(downloader.stats().dhtNodes() > 0, "downloader's routing table is empty");
            }
        }
    }

    /**
     * BEP 42 ("Enforcement"): once peers' {@code yourip} reports agree on our external address, the session's DHT node
     * takes an id derived from it, so that other nodes keep us in their routing tables.
     */
    @Test
    void theDhtNodeIdFollowsTheExternalAddressVotedByPeers() throws Exception {
        SessionSettings settings = SessionSettings.builder().listen("127.0.0.1:0").dht(true).lsd(false).pex(false).build();
        try (Session s = Session.builder().settings(settings).build()) {
            DhtNode node = s.dhtNode().orElseThrow();
            java.net.InetAddress external = java.net.InetAddress.getByName("8.8.4.4"); // a value only: no traffic leaves loopback
            assertTrue(!io.hivemind.bt.dht.core.NodeIdRestriction.isValid(node.id(), external), "random id fits by chance");
            var mapper = ((DefaultSession) s).portMapper();
            for (int i = 1; i <= 3; i++) { // distinct peers agree; one alone cannot move the vote
                mapper.reportExternalAddress(external, io.hivemind.bt.client.nat.core.ExternalAddressVoter.Source.PEER,
                        java.net.InetAddress.getByName("192.0.2." + i));
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!io.hivemind.bt.dht.core.NodeIdRestriction.isValid(node.id(), external) && System.nanoTime() < end) {
                Thread.sleep(20); // polling with a bounded deadline
            }
            assertTrue(io.hivemind.bt.dht.core.NodeIdRestriction.isValid(node.id(), external),
                    "DHT id " + node.id() + " does not fit " + external);
        }
    }

    /**
     * BEP 27: "when a client sees the private flag it MUST NOT ... use DHT". One session seeds a public and a private
     * torrent with the DHT on; once the router finds the public torrent's announce (both are announced from the same
     * start), it must still know no peer for the private one, and the router's table never learns of it either.
     */
    @Test
    void privateTorrentsAreNeverAnnouncedIntoTheDht(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("seed");
        LoopbackSwarmTest.writeRandom(data.resolve("pub.bin"), 200_000, 3);
        LoopbackSwarmTest.writeRandom(data.resolve("priv.bin"), 200_000, 4);
        Metainfo pub = TorrentCreator.builder(data.resolve("pub.bin")).pieceLength(32 * 1024).build().create();
        Metainfo priv = TorrentCreator.builder(data.resolve("priv.bin")).pieceLength(32 * 1024).privateFlag(true)
                .build().create();
        try (DhtNode router = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .config(DhtConfig.builder().restrictRoutingIps(false).rateLimit(1_000_000, Duration.ofSeconds(10), Duration.ofMinutes(5)).build())
                .build()) {
            router.start().get(10, TimeUnit.SECONDS);
            SessionSettings settings = SessionSettings.builder().listen("127.0.0.1:0").dht(true)
                    .dhtBootstrap("127.0.0.1:" + router.localAddresses().get(0).getPort()).lsd(false).pex(false)
                    .build();
            try (Session seeder = Session.builder().settings(settings).build()) {
                // the private torrent first, so that it is never the one left behind by ordering
                seeder.add(AddTorrent.metainfo(priv).saveTo(data)).get(10, TimeUnit.SECONDS).completion()
                        .get(30, TimeUnit.SECONDS);
                seeder.add(AddTorrent.metainfo(pub).saveTo(data)).get(10, TimeUnit.SECONDS).completion()
                        .get(30, TimeUnit.SECONDS);
                InetSocketAddress us = seeder.listenAddresses().get(0);
                List<InetSocketAddress> found = List.of();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!found.contains(us) && System.nanoTime() < end) {
                    found = router.getPeers(NodeId.of(pub.infoHashes().v1())).get(30, TimeUnit.SECONDS);
                    if (!found.contains(us)) {
                        Thread.sleep(100); // polling the router for the announce; bounded by the deadline
                    }
                }
                assertTrue(found.contains(us), "the public torrent was never announced: " + found);
                assertEquals(List.of(), router.getPeers(NodeId.of(priv.infoHashes().v1())).get(30, TimeUnit.SECONDS),
                        "the private torrent reached the DHT");
            }
        }
    }
}
