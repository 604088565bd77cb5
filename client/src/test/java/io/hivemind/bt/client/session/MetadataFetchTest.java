package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.ext.UtMetadata;
import io.hivemind.bt.wire.magnet.MagnetLink;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 9 against hostile peers: a {@code metadata_size} above 16 MiB is ignored without allocating anything, a peer
 * serving wrong metadata is caught by the hash check, distrusted and disconnected, and the download still
 * completes from an honest peer, alone or mixed with the liar. The torrent's metadata spans several 16 KiB pieces.
 */
class MetadataFetchTest {
    private static final byte[] LIAR_ID = "-XX0001-metadataliar".getBytes();
    private static final int LIAR_UT_METADATA = 5;

    private static SessionSettings settings() {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).networkThreads(1).build();
    }

    /** Many files with long names: an info dictionary of about 40 KB (three metadata pieces), little data. */
    private static Metainfo manyFiles(Path root) throws Exception {
        for (int i = 0; i < 400; i++) {
            LoopbackSwarmTest.writeRandom(root.resolve(String.format("file-%03d-%s.dat", i, "x".repeat(60))), 100 + i, i);
        }
        Metainfo mi = TorrentCreator.builder(root).pieceLength(16 * 1024).build().create();
        assertTrue(mi.info().rawLength() > 2 * UtMetadata.PIECE_SIZE, "metadata of " + mi.info().rawLength());
        return mi;
    }

    private static <T> T onLoop(Session s, Metainfo mi, java.util.function.Function<Torrent, T> f) throws Exception {
        Torrent t = ((DefaultSession) s).torrentFor(mi.infoHashes().v1());
        CompletableFuture<T> r = new CompletableFuture<>();
        t.loop.execute(() -> r.complete(f.apply(t)));
        return r.get(10, TimeUnit.SECONDS);
    }

    /** Our ut_metadata id, from the downloader's extension handshake. */
    private static int utMetadataId(ScriptedPeer p) throws IOException {
        ScriptedPeer.Message hs = p.await(m -> m.id() == ScriptedPeer.EXTENDED && m.extendedId() == 0,
                Duration.ofSeconds(10));
        return (int) hs.extendedDict().getDict("m").getLong(UtMetadata.NAME, -1);
    }

    private static void offerMetadata(ScriptedPeer p, long size) throws IOException {
        p.sendExtended(0, BDict.builder().put("m", BDict.builder().put(UtMetadata.NAME, LIAR_UT_METADATA).build())
                .put("metadata_size", size).build().encode(), new byte[0]);
    }

    /**
     * Answers every metadata request with random bytes of the right length until the downloader hangs up; returns
     * how many requests it answered, or -1 if the connection was still open at the deadline.
     */
    private static int lie(ScriptedPeer p, int ourId, int size, Duration timeout) throws IOException {
        Random r = new Random(7);
        int answered = 0;
        long end = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < end) {
                ScriptedPeer.Message m;
                try {
                    m = p.read(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
                } catch (java.net.SocketTimeoutException e) {
                    break;
                }
                if (m.id() == ScriptedPeer.EXTENDED && m.extendedId() == LIAR_UT_METADATA) {
                    int piece = (int) m.extendedDict().getLong("piece", -1);
                    byte[] junk = new byte[UtMetadata.pieceLength(piece, size)];
                    r.nextBytes(junk);
                    p.sendExtended(ourId, new UtMetadata.Data(piece, size, junk).encode(), new byte[0]);
                    answered++;
                }
            }
        } catch (EOFException | SocketException closed) {
            return answered;
        }
        return -1;
    }

    /** HARDENING: a metadata_size above 16 MiB is ignored; nothing is requested from that peer, nothing allocated. */
    @Test
    void oversizedMetadataSizeIsIgnored(@TempDir Path tmp) throws Exception {
        Metainfo mi = manyFiles(tmp.resolve("src/set"));
        try (Session seeder = Session.builder().settings(settings()).build();
             Session d = Session.builder().settings(settings()).build();
             ServerSocket liarServer = ScriptedPeer.listen()) {
            seeder.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("src"))).get(10, TimeUnit.SECONDS)
                    .completion().get(30, TimeUnit.SECONDS);
            TorrentHandle h = d.add(AddTorrent.magnet(MagnetLink.of(mi.infoHashes()).format()).saveTo(tmp.resolve("dl"))
                    .peers(List.of(new InetSocketAddress("127.0.0.1", liarServer.getLocalPort()))))
                    .get(10, TimeUnit.SECONDS);
            try (ScriptedPeer liar = ScriptedPeer.accept(liarServer, mi.infoHashes().v1(), LIAR_ID, Duration.ofSeconds(10))) {
                utMetadataId(liar);
                offerMetadata(liar, 64L << 20);
                List<ScriptedPeer.Message> seen = new ArrayList<>();
                try {
                    while (true) {
                        seen.add(liar.read(Duration.ofMillis(1500)));
                    }
                } catch (java.net.SocketTimeoutException quiet) {
                    // no more messages
                }
                assertTrue(seen.stream().noneMatch(m -> m.id() == ScriptedPeer.EXTENDED
                        && m.extendedId() == LIAR_UT_METADATA), "a metadata request went to the 64 MiB peer");
                assertEquals(0L, (long) onLoop(d, mi, t -> t.metadataExchange.bufferedBytes()));
                h.connectPeer(seeder.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
                h.completion().get(60, TimeUnit.SECONDS);
            }
            assertSameFiles(mi, tmp.resolve("src"), tmp.resolve("dl"));
        }
    }

    /**
     * A peer announcing the right size but serving random bytes: the assembled dictionary fails the hash check,
     * the peer is disconnected (METADATA_ERROR) and distrusted, and an honest peer then serves the metadata.
     */
    @Test
    void aLyingPeerIsCaughtAndAnHonestOneServes(@TempDir Path tmp) throws Exception {
        Metainfo mi = manyFiles(tmp.resolve("src/set"));
        int size = mi.info().rawLength();
        try (Session seeder = Session.builder().settings(settings()).build();
             Session d = Session.builder().settings(settings()).build();
             ServerSocket liarServer = ScriptedPeer.listen()) {
            seeder.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("src"))).get(10, TimeUnit.SECONDS)
                    .completion().get(30, TimeUnit.SECONDS);
            TorrentHandle h = d.add(AddTorrent.magnet(MagnetLink.of(mi.infoHashes()).format()).saveTo(tmp.resolve("dl"))
                    .peers(List.of(new InetSocketAddress("127.0.0.1", liarServer.getLocalPort()))))
                    .get(10, TimeUnit.SECONDS);
            try (ScriptedPeer liar = ScriptedPeer.accept(liarServer, mi.infoHashes().v1(), LIAR_ID, Duration.ofSeconds(10))) {
                int ourId = utMetadataId(liar);
                offerMetadata(liar, size);
                int answered = lie(liar, ourId, size, Duration.ofSeconds(20));
                assertEquals(UtMetadata.pieceCount(size), answered, "answered every piece, then was hung up on");
            }
            assertEquals(1, (int) onLoop(d, mi, t -> t.metadataExchange.hashFailures()));
            assertTrue(onLoop(d, mi, t -> t.metadataExchange.distrustedCount()) >= 1);
            assertEquals(1L, d.stats().disconnects().getOrDefault(DisconnectReason.METADATA_ERROR, 0L));
            h.connectPeer(seeder.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
            h.completion().get(60, TimeUnit.SECONDS);
            assertArrayEquals(mi.info().raw(), h.metadata().get(1, TimeUnit.SECONDS).info().raw());
            assertSameFiles(mi, tmp.resolve("src"), tmp.resolve("dl"));
        }
    }

    /** The liar and an honest peer at once: pieces may come from both; after a failure one source is used alone. */
    @Test
    void aLiarMixedWithAnHonestPeerDoesNotStopTheDownload(@TempDir Path tmp) throws Exception {
        Metainfo mi = manyFiles(tmp.resolve("src/set"));
        int size = mi.info().rawLength();
        try (Session seeder = Session.builder().settings(settings()).build();
             Session d = Session.builder().settings(settings()).build();
             ServerSocket liarServer = ScriptedPeer.listen()) {
            seeder.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("src"))).get(10, TimeUnit.SECONDS)
                    .completion().get(30, TimeUnit.SECONDS);
            CompletableFuture<Integer> liarDone = CompletableFuture.supplyAsync(uncheck(() -> {
                try (ScriptedPeer liar = ScriptedPeer.accept(liarServer, mi.infoHashes().v1(), LIAR_ID,
                        Duration.ofSeconds(20))) {
                    int ourId = utMetadataId(liar);
                    offerMetadata(liar, size);
                    return lie(liar, ourId, size, Duration.ofSeconds(40));
                }
            }), r -> Thread.ofVirtual().start(r));
            TorrentHandle h = d.add(AddTorrent.magnet(MagnetLink.of(mi.infoHashes()).format()).saveTo(tmp.resolve("dl"))
                    .peers(List.of(new InetSocketAddress("127.0.0.1", liarServer.getLocalPort()),
                            seeder.listenAddresses().get(0)))).get(10, TimeUnit.SECONDS);
            h.completion().get(60, TimeUnit.SECONDS);
            assertSameFiles(mi, tmp.resolve("src"), tmp.resolve("dl"));
            liarServer.close();
            liarDone.get(60, TimeUnit.SECONDS);
        }
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> Supplier<T> uncheck(IoSupplier<T> s) {
        return () -> {
            try {
                return s.get();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static void assertSameFiles(Metainfo mi, Path src, Path dl) throws IOException {
        for (var f : mi.info().files()) {
            if (f.isPad()) {
                continue;
            }
            Path rel = Path.of(mi.info().name()).resolve(String.join("/", f.path()));
            assertArrayEquals(Files.readAllBytes(src.resolve(rel)), Files.readAllBytes(dl.resolve(rel)), rel.toString());
        }
    }
}
