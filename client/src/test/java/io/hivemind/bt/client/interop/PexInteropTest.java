package io.hivemind.bt.client.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.testing.ExternalPrograms;
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
 * BEP 11 with libtorrent 2.0 on loopback, both directions: a peer we learned only from libtorrent's ut_pex is
 * dialed, and libtorrent dials a peer it learned only from ours. Uploads are rate-limited so that nobody finishes
 * (and drops its connections as a seed) before the first PEX message has gone out.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PexInteropTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @BeforeEach
    void requireLibtorrent() {
        ExternalPrograms.requireLibtorrent();
    }

    private static SessionSettings settings(boolean pex) {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(pex)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).build();
    }

    private Metainfo data(Path dir) throws Exception {
        LibtorrentInteropTest.writeRandom(dir.resolve("pex.bin"), 4 * 1024 * 1024, 41);
        return TorrentCreator.builder(dir.resolve("pex.bin")).pieceLength(64 * 1024).build().create();
    }

    private static PeerInfo awaitPeer(TorrentHandle h, int port, String source, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (PeerInfo p : h.peers().get(10, TimeUnit.SECONDS)) {
                if (p.address().getPort() == port && p.source().contains(source)) {
                    return p;
                }
            }
            Thread.sleep(50); // polling a snapshot with a bounded deadline
        }
        return null;
    }

    /**
     * libtorrent L downloads from our seeder S; our downloader D is told only about L. L's ut_pex names S and D
     * dials S. S runs without PEX, so it cannot learn D from L and dial it first.
     */
    @Test
    void wePeerWithAPeerLearnedFromLibtorrentsPex() throws Exception {
        Path src = tmp.resolve("src");
        Metainfo mi = data(src);
        Path torrent = tmp.resolve("pex.torrent");
        Files.write(torrent, mi.encode());
        try (Session s = Session.builder().settings(settings(false)).build();
             Session d = Session.builder().settings(settings(true)).build()) {
            s.add(AddTorrent.metainfo(mi).saveTo(src).limits(300_000, 0)).get(10, TimeUnit.SECONDS)
                    .completion().get(30, TimeUnit.SECONDS);
            int sPort = s.listenAddresses().get(0).getPort();
            try (ExternalPeer lt = LtDiscovery.download(torrent.toString(), tmp.resolve("lt"))
                    .set("peers", List.of("127.0.0.1:" + sPort)).set("stay", true)
                    .set("deadline", DEADLINE.toSeconds()).start(tmp, "libtorrent-relay")) {
                int ltPort = LtDiscovery.awaitReady(lt, DEADLINE);
                LtDiscovery.awaitPeer(lt, sPort, 0, DEADLINE);
                TorrentHandle h = d.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("d"))
                        .peers(List.of(new java.net.InetSocketAddress("127.0.0.1", ltPort)))).get(10, TimeUnit.SECONDS);
                PeerInfo viaPex = awaitPeer(h, sPort, "pex", Duration.ofSeconds(30));
                assertNotNull(viaPex, "never dialed S through libtorrent's PEX; our peers: " + h.peers().get()
                        + "\nlibtorrent:\n" + lt.output());
                assertEquals("pex", viaPex.source());
            }
        }
    }

    /**
     * Our hub H is connected to our peer X (which runs without PEX and knows only H); libtorrent L is told only
     * about H. H's ut_pex names X, and L dials X: L lists X with its PEX source flag.
     */
    @Test
    void libtorrentPeersWithAPeerLearnedFromOurPex() throws Exception {
        Path src = tmp.resolve("src");
        Metainfo mi = data(src);
        Path torrent = tmp.resolve("pex.torrent");
        Files.write(torrent, mi.encode());
        try (Session hub = Session.builder().settings(settings(true)).build();
             Session x = Session.builder().settings(settings(false)).build()) {
            hub.add(AddTorrent.metainfo(mi).saveTo(src).limits(300_000, 0)).get(10, TimeUnit.SECONDS)
                    .completion().get(30, TimeUnit.SECONDS);
            int hubPort = hub.listenAddresses().get(0).getPort();
            int xPort = x.listenAddresses().get(0).getPort();
            TorrentHandle hx = x.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("x"))
                    .peers(List.of(hub.listenAddresses().get(0)))).get(10, TimeUnit.SECONDS);
            assertNotNull(awaitPeer(hx, hubPort, "manual", DEADLINE), "X connects to the hub");
            // X's extension handshake gives the hub X's listen port, which is what the hub can advertise
            TorrentHandle hh = hub.torrents().get(0);
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (hh.peers().get(10, TimeUnit.SECONDS).isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20); // polling a snapshot with a bounded deadline
            }
            try (ExternalPeer lt = LtDiscovery.download(torrent.toString(), tmp.resolve("lt"))
                    .set("peers", List.of("127.0.0.1:" + hubPort)).set("stay", true)
                    .set("deadline", DEADLINE.toSeconds()).start(tmp, "libtorrent-learner")) {
                LtDiscovery.LtPeer learned = LtDiscovery.awaitPeer(lt, xPort, LtDiscovery.SOURCE_PEX, DEADLINE);
                assertTrue((learned.source() & LtDiscovery.SOURCE_PEX) != 0, "libtorrent's flags " + learned);
            }
        }
    }
}
