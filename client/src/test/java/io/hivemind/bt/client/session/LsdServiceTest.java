package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.EventFilter;
import io.hivemind.bt.client.EventStream;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 14 in the session, on loopback multicast (IPv4 on {@code lo}; a test UDP port so real clients on the host
 * are not disturbed): two sessions find each other, private torrents stay out of it (BEP 27), our own announces
 * are recognised, and junk is dropped within the inbound budget.
 */
class LsdServiceTest {

    static LsdService.Config testConfig() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return LsdService.Config.DEFAULT.withPort(s.getLocalPort());
        }
    }

    static Session session(LsdService.Config lsd) {
        return DefaultSession.start(SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(true).pex(false)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).networkThreads(1).build(), System::nanoTime, lsd);
    }

    static LsdService.Stats stats(Session s) {
        return ((DefaultSession) s).lsd().stats();
    }

    static void await(BooleanSupplier ok, long seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20); // polling with a bounded deadline
        }
    }

    private static Metainfo torrent(Path dir, String name, long seed, boolean isPrivate) throws Exception {
        LoopbackSwarmTest.writeRandom(dir.resolve(name), 300_000, seed);
        return TorrentCreator.builder(dir.resolve(name)).pieceLength(32 * 1024).privateFlag(isPrivate).build().create();
    }

    private static NetworkInterface loopback() throws Exception {
        return NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    }

    /** A test receiver joined to the LSD group on loopback. */
    private static MulticastSocket listener(LsdService.Config c) throws Exception {
        MulticastSocket m = new MulticastSocket(null);
        m.setReuseAddress(true);
        m.bind(new InetSocketAddress(c.port()));
        m.joinGroup(new InetSocketAddress(c.group4(), c.port()), loopback());
        m.setSoTimeout(200);
        return m;
    }

    private static void multicast(LsdService.Config c, byte[] packet) throws Exception {
        try (MulticastSocket m = new MulticastSocket()) {
            m.setNetworkInterface(loopback());
            m.send(new DatagramPacket(packet, packet.length, c.group4(), c.port()));
        }
    }

    /** BEP 14: a downloader with no tracker, DHT or peer address finds the seeder by multicast and completes. */
    @Test
    void twoSessionsFindEachOther(@TempDir Path tmp) throws Exception {
        LsdService.Config c = testConfig();
        Metainfo mi = torrent(tmp.resolve("seed"), "f.bin", 5, false);
        try (Session seeder = session(c); Session downloader = session(c)) {
            assertEquals(1, stats(seeder).endpoints(), "one endpoint on lo");
            EventStream.Subscription peers = downloader.events().subscribe(EventFilter.of(Event.Category.PEER));
            seeder.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("seed"))).get(10, TimeUnit.SECONDS).completion()
                    .get(30, TimeUnit.SECONDS);
            TorrentHandle h = downloader.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl"))).get(10, TimeUnit.SECONDS);
            h.completion().get(60, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(tmp.resolve("seed/f.bin")), Files.readAllBytes(tmp.resolve("dl/f.bin")));
            assertTrue(stats(seeder).peersFound() + stats(downloader).peersFound() >= 1,
                    "found through LSD: " + stats(seeder) + " / " + stats(downloader));
            assertTrue(stats(downloader).own() >= 1, "our own announce came back over the loopback and was ignored");
            Event e = peers.poll(1, TimeUnit.SECONDS);
            assertTrue(e instanceof Event.PeerConnected, "downloader saw " + e);
        }
    }

    /**
     * BEP 27: a private torrent is never announced, and an announce for it adds no peer, while the public torrent
     * in the same session is announced and takes the announced peer.
     */
    @Test
    void privateTorrentsStayOutOfLsd(@TempDir Path tmp) throws Exception {
        LsdService.Config c = testConfig();
        Metainfo priv = torrent(tmp, "private.bin", 6, true);
        Metainfo pub = torrent(tmp, "public.bin", 7, false);
        try (MulticastSocket capture = listener(c); Session s = session(c);
             ServerSocket privatePeer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket publicPeer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            s.add(AddTorrent.metainfo(priv).saveTo(tmp)).get(10, TimeUnit.SECONDS);
            s.add(AddTorrent.metainfo(pub).saveTo(tmp)).get(10, TimeUnit.SECONDS);
            String privHex = Hex.encode(priv.infoHashes().v1());
            String pubHex = Hex.encode(pub.infoHashes().v1());
            List<String> seen = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            byte[] buf = new byte[2048];
            while (seen.stream().noneMatch(p -> p.contains(pubHex)) && System.nanoTime() < end) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    capture.receive(p);
                    seen.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1));
                } catch (SocketTimeoutException ignored) {
                    // keep polling until the deadline
                }
            }
            assertTrue(seen.stream().anyMatch(p -> p.contains(pubHex)), "public torrent announced: " + seen);
            assertFalse(seen.stream().anyMatch(p -> p.toLowerCase().contains(privHex)), "private torrent announced");

            // inbound: an announce naming the private torrent is ignored; one naming the public torrent is dialed
            multicast(c, LsdMessage.encode(LsdMessage.HOST4, privatePeer.getLocalPort(),
                    List.of(priv.infoHashes().v1()), "test1"));
            multicast(c, LsdMessage.encode(LsdMessage.HOST4, publicPeer.getLocalPort(),
                    List.of(pub.infoHashes().v1()), "test2"));
            publicPeer.setSoTimeout(20_000);
            try (Socket dialed = publicPeer.accept(); InputStream in = dialed.getInputStream()) {
                byte[] hs = in.readNBytes(48);
                assertArrayEquals(pub.infoHashes().v1(), Arrays.copyOfRange(hs, 28, 48), "handshake names the public torrent");
            }
            privatePeer.setSoTimeout(1_000);
            try (Socket wrong = privatePeer.accept()) {
                throw new AssertionError("the private torrent dialed an LSD peer: " + wrong);
            } catch (SocketTimeoutException expected) {
                // nobody came
            }
            assertEquals(1, stats(s).peersFound());
        }
    }

    /** Hostile input: junk and oversized datagrams are counted and dropped; the budget caps what is processed. */
    @Test
    void junkIsDroppedWithinTheBudget(@TempDir Path tmp) throws Exception {
        LsdService.Config c = testConfig();
        try (Session s = session(c)) {
            byte[] junk = "BT-SEARCH * HTTP/1.1\r\nPort: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] huge = new byte[1800];
            Arrays.fill(huge, (byte) 'A');
            // sent in paced batches: on a loaded machine a burst of 200 overflows the socket buffer and the kernel
            // drops datagrams before the service sees them; at most 20 batches, each waiting (bounded) for delivery
            int sent = 0;
            for (int batch = 0; batch < 20 && stats(s).received() < 150; batch++) {
                long before = stats(s).received();
                for (int i = 0; i < 20; i++, sent++) {
                    multicast(c, sent % 2 == 0 ? junk : huge);
                }
                long target = before + 1;
                await(() -> stats(s).received() >= target, 20, "datagrams received: " + stats(s));
            }
            assertTrue(stats(s).received() >= 150, "datagrams received: " + stats(s));
            LsdService.Stats st = stats(s);
            assertTrue(st.malformed() >= 1, st.toString());
            assertTrue(st.refused() >= 100, "per-source budget caps processing: " + st);
            assertEquals(0, st.peersFound());
        }
    }
}
