package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.ext.PexPeer;
import io.hivemind.bt.wire.ext.UtPex;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEP 11 in the session: peers learned by PEX are dialed; private torrents (BEP 27) never use it; floods end. */
class PexSessionTest {
    private static final byte[] SCRIPT_ID = "-XX0001-scriptedpeer".getBytes();

    private static SessionSettings settings(boolean pex) {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(pex)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).networkThreads(1).build();
    }

    private static Metainfo torrent(Path dir, boolean isPrivate) throws Exception {
        LoopbackSwarmTest.writeRandom(dir.resolve("pex.bin"), 2_000_000, 31);
        return TorrentCreator.builder(dir.resolve("pex.bin")).pieceLength(32 * 1024).privateFlag(isPrivate).build()
                .create();
    }

    private static PeerInfo awaitPeer(TorrentHandle h, int port, String source, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (PeerInfo p : h.peers().get(10, TimeUnit.SECONDS)) {
                if (p.address().getPort() == port && p.source().contains(source)) {
                    return p;
                }
            }
            Thread.sleep(20); // polling a snapshot with a bounded deadline
        }
        return null;
    }

    /**
     * BEP 11: A is connected to seeder B and to C; C was told only about A. A's ut_pex names B, and C dials B.
     * B runs without PEX, so B cannot learn of C and dial it first.
     */
    @Test
    void aPeerLearnedOnlyThroughPexIsDialed(@TempDir Path tmp) throws Exception {
        Metainfo mi = torrent(tmp.resolve("seed"), false);
        try (Session b = Session.builder().settings(settings(false)).build();
             Session a = Session.builder().settings(settings(true)).build();
             Session c = Session.builder().settings(settings(true)).build()) {
            TorrentHandle hb = b.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("seed")).limits(400_000, 0))
                    .get(10, TimeUnit.SECONDS);
            hb.completion().get(30, TimeUnit.SECONDS);
            InetSocketAddress bAddr = b.listenAddresses().get(0);
            TorrentHandle ha = a.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("a")).peers(List.of(bAddr)))
                    .get(10, TimeUnit.SECONDS);
            assertNotNull(awaitPeer(ha, bAddr.getPort(), "manual", Duration.ofSeconds(20)), "A connects to B");
            TorrentHandle hc = c.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("c"))
                    .peers(List.of(a.listenAddresses().get(0)))).get(10, TimeUnit.SECONDS);
            PeerInfo viaPex = awaitPeer(hc, bAddr.getPort(), "pex", Duration.ofSeconds(30));
            assertNotNull(viaPex, "C never connected to B through A's PEX; C's peers: " + hc.peers().get());
            assertEquals("pex", viaPex.source(), "C knew B from nowhere else");
            assertFalse(viaPex.incoming());
        }
    }

    /** The ut_pex message ids our side chose, read from its extension handshake. */
    private static BDict extensionHandshake(ScriptedPeer p) throws Exception {
        ScriptedPeer.Message hs = p.await(m -> m.id() == ScriptedPeer.EXTENDED && m.extendedId() == 0,
                Duration.ofSeconds(10));
        return hs.extendedDict();
    }

    private static void sendPex(ScriptedPeer p, InetSocketAddress peer) throws Exception {
        p.sendExtended(PeerConnection.UT_PEX_ID, new UtPex(List.of(new PexPeer(peer, PexPeer.REACHABLE)), List.of())
                .encode(), new byte[0]);
    }

    /**
     * BEP 27: a private torrent offers no ut_pex, sends none, and ignores one sent anyway; the same exchange on a
     * public torrent offers ut_pex and dials the peer it names (the control).
     */
    @Test
    void privateTorrentsNeverUsePex(@TempDir Path tmp) throws Exception {
        for (boolean isPrivate : new boolean[] {true, false}) {
            Metainfo mi = torrent(tmp.resolve(isPrivate ? "priv" : "pub"), isPrivate);
            try (Session s = Session.builder().settings(settings(true)).build();
                 ServerSocket named = ScriptedPeer.listen()) {
                s.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve(isPrivate ? "priv" : "pub")))
                        .get(10, TimeUnit.SECONDS).completion().get(30, TimeUnit.SECONDS);
                try (ScriptedPeer p = ScriptedPeer.dial(s.listenAddresses().get(0), mi.infoHashes().v1(), SCRIPT_ID)) {
                    BDict m = extensionHandshake(p).getDict("m");
                    assertEquals(!isPrivate, m.containsKey(UtPex.NAME), "ut_pex offered: " + m);
                    p.sendExtended(0, BDict.builder().put("m", BDict.builder().put(UtPex.NAME, 9).build())
                            .put("p", 1).build().encode(), new byte[0]);
                    sendPex(p, new InetSocketAddress("127.0.0.1", named.getLocalPort()));
                    named.setSoTimeout(isPrivate ? 1_500 : 20_000);
                    try (Socket dialed = named.accept()) {
                        assertFalse(isPrivate, "a private torrent dialed a peer from PEX");
                    } catch (SocketTimeoutException e) {
                        assertTrue(isPrivate, "the public torrent did not dial the peer named by PEX");
                    }
                    if (isPrivate) {
                        try {
                            ScriptedPeer.Message pex = p.await(x -> x.id() == ScriptedPeer.EXTENDED
                                    && x.extendedId() == 9, Duration.ofMillis(2_500));
                            assertNull(pex, "a private torrent sent ut_pex");
                        } catch (SocketTimeoutException expected) {
                            // nothing sent
                        }
                    }
                }
            }
        }
    }

    /** A peer that floods ut_pex messages is disconnected (MESSAGE_FLOOD); libtorrent does the same. */
    @Test
    void pexFloodsAreDisconnected(@TempDir Path tmp) throws Exception {
        Metainfo mi = torrent(tmp, false);
        try (Session s = Session.builder().settings(settings(true)).build()) {
            s.add(AddTorrent.metainfo(mi).saveTo(tmp)).get(10, TimeUnit.SECONDS).completion().get(30, TimeUnit.SECONDS);
            try (ScriptedPeer p = ScriptedPeer.dial(s.listenAddresses().get(0), mi.infoHashes().v1(), SCRIPT_ID)) {
                extensionHandshake(p);
                p.sendExtended(0, BDict.builder().put("m", BDict.builder().put(UtPex.NAME, 9).build()).build().encode(),
                        new byte[0]);
                for (int i = 0; i < 12; i++) {
                    sendPex(p, new InetSocketAddress("127.0.0.1", 1000 + i));
                }
                assertTrue(p.isClosedByPeer(Duration.ofSeconds(10)), "still connected after a PEX flood");
            }
            assertEquals(1L, s.stats().disconnects().getOrDefault(io.hivemind.bt.client.DisconnectReason.MESSAGE_FLOOD, 0L));
        }
    }
}
