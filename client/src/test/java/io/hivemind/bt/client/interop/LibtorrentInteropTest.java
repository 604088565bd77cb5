package io.hivemind.bt.client.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * hivebt against libtorrent 2.0 (python3-libtorrent) on loopback, both directions, v1, v2 and hybrid torrents
 * (BEP 3, BEP 52), and a multi-file torrent with a skipped file.
 */
class LibtorrentInteropTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    private Path script;

    @BeforeEach
    void setUp() throws IOException {
        ExternalPrograms.requireLibtorrent();
        script = tmp.resolve("lt_node.py");
        try (InputStream in = getClass().getResourceAsStream("lt_node.py")) {
            Files.copy(in, script);
        }
    }

    static SessionSettings settings() {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false).build();
    }

    static void writeRandom(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] b = new byte[(int) size];
        new SplittableRandom(seed).nextBytes(b);
        Files.write(file, b);
    }

    private Path sampleSet(String name) throws IOException {
        Path root = tmp.resolve("src").resolve(name);
        writeRandom(root.resolve("model.bin"), 5 * 1024 * 1024 + 777, 11);
        writeRandom(root.resolve("docs/readme.txt"), 30_000, 12);
        writeRandom(root.resolve("docs/config.json"), 16_384, 13);
        return root;
    }

    private Path writeTorrent(Metainfo mi) throws IOException {
        Path t = tmp.resolve("t-" + mi.infoHashes().wireIdHex() + ".torrent");
        Files.write(t, mi.encode());
        return t;
    }

    private ExternalPeer libtorrent(String mode, Path torrent, Path save, String... peers) throws IOException {
        return libtorrent(mode, "disabled", torrent, save, peers);
    }

    private ExternalPeer libtorrent(String mode, String encryption, Path torrent, Path save, String... peers)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ExternalPrograms.SYSTEM_PYTHON.toString(), script.toString(),
                torrent.toString(), save.toString(), "0", String.valueOf(DEADLINE.toSeconds())));
        cmd.addAll(List.of(peers));
        return ExternalPeer.start("libtorrent-" + mode, cmd, Map.of("LT_MODE", mode, "LT_ENC", encryption, "LT_LINGER", "5"));
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        try (var files = Files.walk(expected)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = expected.relativize(f);
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(actual.resolve(rel)), "file " + rel);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TorrentVersion.class)
    void hivebtSeedsToLibtorrent(TorrentVersion version) throws Exception {
        Path src = sampleSet("set");
        Metainfo mi = TorrentCreator.builder(src).version(version).pieceLength(256 * 1024).build().create();
        Path torrent = writeTorrent(mi);
        try (Session seeder = Session.builder().settings(settings()).build()) {
            TorrentHandle h = seeder.add(AddTorrent.metainfo(mi).saveTo(src.getParent())).get(10, TimeUnit.SECONDS);
            h.completion().get(30, TimeUnit.SECONDS);
            InetSocketAddress us = seeder.listenAddresses().get(0);
            Path dl = tmp.resolve("lt-dl");
            try (ExternalPeer lt = libtorrent("download", torrent, dl, "127.0.0.1:" + us.getPort())) {
                lt.await(l -> l.equals("done"), DEADLINE);
                assertEquals(0, lt.waitFor(Duration.ofSeconds(20)));
            }
            assertSameTree(src, dl.resolve("set"));
        }
    }

    @ParameterizedTest
    @EnumSource(TorrentVersion.class)
    void libtorrentSeedsToHivebt(TorrentVersion version) throws Exception {
        Path src = sampleSet("set");
        Metainfo mi = TorrentCreator.builder(src).version(version).pieceLength(256 * 1024).build().create();
        Path torrent = writeTorrent(mi);
        try (ExternalPeer lt = libtorrent("seed", torrent, src.getParent());
             Session downloader = Session.builder().settings(settings()).build()) {
            int port = Integer.parseInt(lt.await(l -> l.startsWith("ready "), DEADLINE).substring(6));
            Path dl = tmp.resolve("hv-dl");
            TorrentHandle h = downloader.add(AddTorrent.metainfo(mi).saveTo(dl)
                    .peers(List.of(new InetSocketAddress("127.0.0.1", port)))).get(10, TimeUnit.SECONDS);
            h.completion().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertEquals(TorrentState.SEEDING, h.status().state());
            assertSameTree(src, dl.resolve("set"));
        }
    }

    /** MSE/PE with RC4 for the whole stream, libtorrent forced both ways (its in and out policies). */
    @Test
    void forcedEncryptionBothDirections() throws Exception {
        Path src = sampleSet("set");
        Metainfo mi = TorrentCreator.builder(src).pieceLength(256 * 1024).build().create();
        Path torrent = writeTorrent(mi);
        SessionSettings forced = SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false)
                .encryption(SessionSettings.EncryptionPolicy.FORCED).build();
        // libtorrent seeds, we dial it
        try (ExternalPeer lt = libtorrent("seed", "forced", torrent, src.getParent());
             Session downloader = Session.builder().settings(forced).build()) {
            int port = Integer.parseInt(lt.await(l -> l.startsWith("ready "), DEADLINE).substring(6));
            Path dl = tmp.resolve("enc-dl");
            TorrentHandle h = downloader.add(AddTorrent.metainfo(mi).saveTo(dl)
                    .peers(List.of(new InetSocketAddress("127.0.0.1", port)))).get(10, TimeUnit.SECONDS);
            h.completion().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertSameTree(src, dl.resolve("set"));
        }
        // we seed, libtorrent dials us
        try (Session seeder = Session.builder().settings(forced).build()) {
            TorrentHandle h = seeder.add(AddTorrent.metainfo(mi).saveTo(src.getParent())).get(10, TimeUnit.SECONDS);
            h.completion().get(30, TimeUnit.SECONDS);
            Path dl = tmp.resolve("enc-lt-dl");
            try (ExternalPeer lt = libtorrent("download", "forced", torrent, dl,
                    "127.0.0.1:" + seeder.listenAddresses().get(0).getPort())) {
                // watch the connection while the transfer runs: it must exist and be RC4 throughout
                List<io.hivemind.bt.client.PeerInfo> seen = new ArrayList<>();
                long end = System.nanoTime() + DEADLINE.toNanos();
                while (seen.isEmpty() && System.nanoTime() < end) {
                    seen.addAll(h.peers().get(10, TimeUnit.SECONDS));
                    if (seen.isEmpty()) {
                        Thread.sleep(20); // polling a status snapshot; bounded by the deadline
                    }
                }
                lt.await(l -> l.equals("done"), DEADLINE);
                org.junit.jupiter.api.Assertions.assertFalse(seen.isEmpty(), "libtorrent never connected");
                org.junit.jupiter.api.Assertions.assertTrue(seen.stream().allMatch(p -> p.encrypted()),
                        "libtorrent connected without RC4: " + seen);
            }
            assertSameTree(src, dl.resolve("set"));
        }
    }

    @Test
    void skippedFileIsNotDownloaded() throws Exception {
        Path src = sampleSet("set");
        Metainfo mi = TorrentCreator.builder(src).pieceLength(64 * 1024).build().create();
        Path torrent = writeTorrent(mi);
        // files are sorted: docs/config.json, docs/readme.txt, model.bin; skip the readme
        List<String> paths = mi.info().files().stream().filter(f -> !f.isPad()).map(f -> f.pathString()).toList();
        List<Integer> prios = new ArrayList<>();
        for (var f : mi.info().files()) {
            prios.add(f.pathString().endsWith("readme.txt") ? 0 : 4);
        }
        try (ExternalPeer lt = libtorrent("seed", torrent, src.getParent());
             Session downloader = Session.builder().settings(settings()).build()) {
            int port = Integer.parseInt(lt.await(l -> l.startsWith("ready "), DEADLINE).substring(6));
            Path dl = tmp.resolve("hv-dl");
            TorrentHandle h = downloader.add(AddTorrent.metainfo(mi).saveTo(dl).filePriorities(prios)
                    .peers(List.of(new InetSocketAddress("127.0.0.1", port)))).get(10, TimeUnit.SECONDS);
            h.completion().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(src.resolve("model.bin")), Files.readAllBytes(dl.resolve("set/model.bin")));
            assertArrayEquals(Files.readAllBytes(src.resolve("docs/config.json")),
                    Files.readAllBytes(dl.resolve("set/docs/config.json")));
            assertFalse(Files.exists(dl.resolve("set/docs/readme.txt")), "skipped file was created: " + paths);
        }
    }
}
