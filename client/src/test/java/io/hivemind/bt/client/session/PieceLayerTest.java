package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.magnet.MagnetLink;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Merkle;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import io.hivemind.bt.wire.peer.PeerMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 52 piece layers over the wire: what {@link PieceLayerServer} answers to a {@code hash request} verifies
 * with {@link PieceLayerFetch#verifies} (chunks of 512 with uncle hashes for a file of 1100 pieces), tampered
 * answers do not, bad requests are rejected, and a pure v2 magnet downloads between two hivebt sessions.
 */
class PieceLayerTest {
    private static final long PIECE = 16 * 1024;
    @TempDir
    static Path dir;
    private static Metainfo mi;
    private static FileEntry big;

    @BeforeAll
    static void torrent() throws Exception {
        LoopbackSwarmTest.writeRandom(dir.resolve("src/set/big.bin"), 1100 * PIECE - 5000, 61);
        LoopbackSwarmTest.writeRandom(dir.resolve("src/set/small.bin"), 40 * PIECE + 3, 62);
        LoopbackSwarmTest.writeRandom(dir.resolve("src/set/tiny.bin"), 300, 63);
        mi = TorrentCreator.builder(dir.resolve("src/set")).version(TorrentVersion.V2).pieceLength(PIECE).build().create();
        big = mi.info().files().stream().filter(f -> f.pathString().equals("big.bin")).findFirst().orElseThrow();
    }

    private static PeerMessage.HashRequest request(FileEntry f, int index, int length, int proofLayers) {
        return new PeerMessage.HashRequest(f.piecesRoot(), 0, index, length, proofLayers);
    }

    /** BEP 52 "hashes": the chunk, then one uncle per proof layer above the chunk's subtree. */
    @Test
    void servedChunksVerifyAgainstThePiecesRoot() {
        PieceLayerServer server = new PieceLayerServer();
        MessageDigest sha = Merkle.sha256();
        int width = 2048; // nextPowerOfTwo(1100)
        byte[] layer = new byte[1100 * 32];
        for (int index = 0; index < 1100; index += 512) {
            byte[] got = server.answer(mi, request(big, index, 512, 10));
            assertEquals((512 + 2) * 32, got.length, "512 hashes and two uncles");
            assertTrue(PieceLayerFetch.verifies(big.piecesRoot(), index, 512, width, got, sha), "chunk at " + index);
            System.arraycopy(got, 0, layer, index * 32, Math.min(512, 1100 - index) * 32);
            byte[] bad = got.clone();
            bad[bad.length - 1] ^= 1;
            assertFalse(PieceLayerFetch.verifies(big.piecesRoot(), index, 512, width, bad, sha), "tampered uncle");
            bad = got.clone();
            bad[5] ^= 1;
            assertFalse(PieceLayerFetch.verifies(big.piecesRoot(), index, 512, width, bad, sha), "tampered hash");
            assertFalse(PieceLayerFetch.verifies(big.piecesRoot(), (index + 512) % 2048, 512, width, got, sha),
                    "claimed at another index");
        }
        assertArrayEquals(mi.pieceLayer(big.piecesRoot()), layer, "the three chunks make the piece layer");

        FileEntry small = mi.info().files().stream().filter(f -> f.pathString().equals("small.bin")).findFirst()
                .orElseThrow();
        byte[] whole = server.answer(mi, request(small, 0, 64, 5));
        assertEquals(64 * 32, whole.length, "a whole layer needs no uncles");
        assertTrue(PieceLayerFetch.verifies(small.piecesRoot(), 0, 64, 64, whole, sha));
        byte[] fewer = server.answer(mi, request(big, 512, 512, 0));
        assertEquals(512 * 32, fewer.length, "no proof layers asked, none sent");
    }

    @Test
    void badRequestsAreRejected() {
        PieceLayerServer server = new PieceLayerServer();
        assertNull(server.answer(mi, request(big, 0, 1024, 10)), "longer than 512");
        assertNull(server.answer(mi, request(big, 3, 2, 10)), "index not a multiple of length");
        assertNull(server.answer(mi, request(big, 0, 3, 10)), "length not a power of two");
        assertNull(server.answer(mi, request(big, 2048, 512, 10)), "past the layer");
        assertNull(server.answer(mi, new PeerMessage.HashRequest(new byte[32], 0, 0, 2, 1)), "unknown root");
        assertNull(server.answer(mi, new PeerMessage.HashRequest(big.piecesRoot(), 1, 0, 2, 1)), "not the piece layer");
        FileEntry tiny = mi.info().files().stream().filter(f -> f.pathString().equals("tiny.bin")).findFirst()
                .orElseThrow();
        assertNull(server.answer(mi, request(tiny, 0, 2, 0)), "a one-piece file has no piece layer");
    }

    /** A pure v2 magnet (urn:btmh only) between two hivebt sessions: metadata, then layers, then data. */
    @Test
    void pureV2MagnetBetweenHivebtSessions() throws Exception {
        SessionSettings s = SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).networkThreads(1).build();
        try (Session seeder = Session.builder().settings(s).build(); Session d = Session.builder().settings(s).build()) {
            seeder.add(AddTorrent.metainfo(mi).saveTo(dir.resolve("src"))).get(10, TimeUnit.SECONDS)
                    .completion().get(30, TimeUnit.SECONDS);
            String link = MagnetLink.of(InfoHashes.v2(mi.infoHashes().v2())).format();
            assertTrue(link.contains("urn:btmh:1220") && !link.contains("btih"), link);
            TorrentHandle h = d.add(AddTorrent.magnet(link).saveTo(dir.resolve("dl"))
                    .peers(List.of(seeder.listenAddresses().get(0)))).get(10, TimeUnit.SECONDS);
            Metainfo got = h.metadata().get(30, TimeUnit.SECONDS);
            assertTrue(got.hasAllPieceLayers(), "layers fetched before the torrent started");
            h.completion().get(60, TimeUnit.SECONDS);
            for (String f : List.of("big.bin", "small.bin", "tiny.bin")) {
                assertTrue(Arrays.equals(Files.readAllBytes(dir.resolve("src/set").resolve(f)),
                        Files.readAllBytes(dir.resolve("dl/set").resolve(f))), f);
            }
        }
    }
}
