package io.hivemind.bt.client.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 14 with libtorrent 2.0 on the host's loopback interface: IPv4 multicast to 239.192.152.143:6771 is delivered
 * on {@code lo} when the sender picks it ({@code IP_MULTICAST_IF}) and the receiver joined there, and libtorrent
 * runs LSD on the interfaces it listens on (here 127.0.0.1). No tracker, DHT or peer address is given to either
 * side, so the only way they meet is LSD. Each test orders the start so that exactly one side's announce can be
 * heard, and checks that side's source flags.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LsdInteropTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @BeforeEach
    void requireLibtorrent() {
        ExternalPrograms.requireLibtorrent();
    }

    private static SessionSettings settings() {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(true).pex(false)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).build();
    }

    private Metainfo data(Path dir) throws Exception {
        LibtorrentInteropTest.writeRandom(dir.resolve("lsd.bin"), 2 * 1024 * 1024 + 99, 21);
        return TorrentCreator.builder(dir.resolve("lsd.bin")).pieceLength(64 * 1024).build().create();
    }

    private Path write(Metainfo mi) throws Exception {
        Path t = tmp.resolve("lsd.torrent");
        Files.write(t, mi.encode());
        return t;
    }

    /** A receiver for LSD announces on loopback (SO_REUSEADDR: every socket on the port gets each datagram). */
    private static MulticastSocket lsdWatcher() throws Exception {
        MulticastSocket m = new MulticastSocket(null);
        m.setReuseAddress(true);
        m.bind(new InetSocketAddress(6771));
        m.joinGroup(new InetSocketAddress(InetAddress.getByName("239.192.152.143"), 6771),
                NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress()));
        m.setSoTimeout(200);
        return m;
    }

    /** Waits until {@code count} announces naming {@code port} have been heard. */
    private static void awaitAnnounces(MulticastSocket m, int port, int count, Duration timeout) throws Exception {
        int seen = 0;
        long end = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[2048];
        while (seen < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("heard " + seen + " LSD announces for port " + port + ", wanted " + count);
            }
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                m.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1).contains("Port: " + port + "\r\n")) {
                seen++;
            }
        }
    }

    /** We hear libtorrent's announce: our downloader starts first, libtorrent's seeder announces, we dial it. */
    @Test
    void ourDownloaderFindsALibtorrentSeeder() throws Exception {
        Path src = tmp.resolve("src");
        Metainfo mi = data(src);
        Path torrent = write(mi);
        try (Session downloader = Session.builder().settings(settings()).build()) {
            TorrentHandle h = downloader.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl")).limits(0, 1_000_000))
                    .get(10, TimeUnit.SECONDS);
            try (ExternalPeer lt = LtDiscovery.seed(torrent.toString(), src).set("lsd", true).set("stay", true)
                    .set("deadline", DEADLINE.toSeconds()).start(tmp, "libtorrent-seed")) {
                int ltPort = LtDiscovery.awaitReady(lt, DEADLINE);
                List<PeerInfo> seen = new ArrayList<>();
                long end = System.nanoTime() + DEADLINE.toNanos();
                while (!h.completion().isDone() && System.nanoTime() < end) {
                    for (PeerInfo p : h.peers().get(10, TimeUnit.SECONDS)) {
                        if (p.address().getPort() == ltPort && !p.incoming()) {
                            seen.add(p);
                        }
                    }
                    Thread.sleep(50); // polling snapshots with a bounded deadline
                }
                h.completion().get(5, TimeUnit.SECONDS);
                assertTrue(!seen.isEmpty(), "we never dialed libtorrent; its output:\n" + lt.output());
                assertTrue(seen.get(0).source().contains("lsd"), "learned from " + seen.get(0).source());
            }
            assertArrayEquals(Files.readAllBytes(src.resolve("lsd.bin")), Files.readAllBytes(tmp.resolve("dl/lsd.bin")));
        }
    }

    /**
     * libtorrent hears our announce: its downloader starts first and we wait (watching the group) until its own three
     * announces (at 0, 2 and 6 s) have gone by; then our seeder starts and announces, libtorrent dials us and lists
     * us with its LSD source flag. Our upload is limited so the connection lasts past libtorrent's 1 s peer report.
     */
    @Test
    void libtorrentFindsOurSeeder() throws Exception {
        Path src = tmp.resolve("src");
        Metainfo mi = data(src);
        Path torrent = write(mi);
        Path dl = tmp.resolve("lt-dl");
        try (MulticastSocket watch = lsdWatcher();
             ExternalPeer lt = LtDiscovery.download(torrent.toString(), dl).set("lsd", true).set("linger", 3)
                .set("deadline", DEADLINE.toSeconds()).start(tmp, "libtorrent-download")) {
            int ltPort = LtDiscovery.awaitReady(lt, DEADLINE);
            // let libtorrent's own three announces pass, so that only ours can bring us together
            awaitAnnounces(watch, ltPort, 3, Duration.ofSeconds(20));
            try (Session seeder = Session.builder().settings(settings()).build()) {
                TorrentHandle h = seeder.add(AddTorrent.metainfo(mi).saveTo(src).limits(1_000_000, 0))
                        .get(10, TimeUnit.SECONDS);
                h.completion().get(30, TimeUnit.SECONDS);
                int ourPort = seeder.listenAddresses().get(0).getPort();
                LtDiscovery.LtPeer us = LtDiscovery.awaitPeer(lt, ourPort, LtDiscovery.SOURCE_LSD, DEADLINE);
                assertTrue((us.source() & LtDiscovery.SOURCE_LSD) != 0, "libtorrent's flags " + us);
                lt.await("done"::equals, DEADLINE);
            }
        }
        assertArrayEquals(Files.readAllBytes(src.resolve("lsd.bin")), Files.readAllBytes(dl.resolve("lsd.bin")));
    }
}
