package io.hivemind.bt.client.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hivebt against Transmission 3.00 (transmission-daemon) and aria2 1.36 on loopback, both directions (BEP 3).
 * INTEROP.md: Transmission never dials loopback peers it learns of, so our side dials it; aria2 has no option for a
 * direct peer, so it meets us through our tracker.
 */
class ClientInteropTest {
    private static final int SIZE = 6 * 1024 * 1024 + 4321;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    static SessionSettings settings() {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false).build();
    }

    private Path payload() throws IOException {
        Path f = tmp.resolve("src/payload.bin");
        Files.createDirectories(f.getParent());
        byte[] b = new byte[SIZE];
        new SplittableRandom(99).nextBytes(b);
        Files.write(f, b);
        return f;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> why)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + why.get());
            }
            Thread.sleep(100); // polling a file or a status; bounded by the deadline
        }
    }

    private static boolean sameContent(Path expected, Path actual) {
        try {
            return Files.exists(actual) && Files.size(actual) == Files.size(expected)
                    && java.util.Arrays.equals(Files.readAllBytes(expected), Files.readAllBytes(actual));
        } catch (IOException e) {
            return false;
        }
    }

    /** transmission-daemon with its own config dir, a watch dir, RPC and peer ports on loopback, uTP/LPD/PEX off. */
    private ExternalPeer transmission(Path downloadDir, Path watch, int peerPort) throws IOException {
        Path config = Files.createDirectories(tmp.resolve("tr-config"));
        List<String> cmd = List.of("transmission-daemon", "-f", "-g", config.toString(), "-w", downloadDir.toString(),
                "-c", watch.toString(), "-T", "-p", String.valueOf(freePort()), "-r", "127.0.0.1",
                "-P", String.valueOf(peerPort), "-i", "127.0.0.1", "-O", "-Y", "--no-utp", "-M", "--log-info");
        return ExternalPeer.start("transmission", cmd, Map.of());
    }

    @Test
    void hivebtDownloadsFromTransmission() throws Exception {
        ExternalPrograms.require("transmission-daemon", "transmission-daemon");
        Path file = payload();
        Metainfo mi = TorrentCreator.builder(file).pieceLength(256 * 1024).build().create();
        Path watch = Files.createDirectories(tmp.resolve("watch"));
        int trPort = freePort();
        try (ExternalPeer tr = transmission(file.getParent(), watch, trPort);
             Session us = Session.builder().settings(settings()).build()) {
            Files.write(watch.resolve("t.torrent"), mi.encode());
            TorrentHandle h = us.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl"))
                    .peers(List.of(new InetSocketAddress("127.0.0.1", trPort)))).get(10, TimeUnit.SECONDS);
            // Transmission verifies its copy first and refuses peers meanwhile: keep offering it until it serves
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!h.completion().isDone() && System.nanoTime() < end) {
                h.connectPeer(new InetSocketAddress("127.0.0.1", trPort));
                try {
                    h.completion().get(3, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException again) {
                    // not yet
                }
            }
            if (!h.completion().isDone()) {
                throw new AssertionError("no download from Transmission; its log:\n" + tr.output());
            }
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(tmp.resolve("dl/payload.bin")));
        }
    }

    @Test
    void transmissionDownloadsFromHivebt() throws Exception {
        ExternalPrograms.require("transmission-daemon", "transmission-daemon");
        Path file = payload();
        Metainfo mi = TorrentCreator.builder(file).pieceLength(256 * 1024).build().create();
        Path watch = Files.createDirectories(tmp.resolve("watch"));
        Path trDir = Files.createDirectories(tmp.resolve("tr-dl"));
        int trPort = freePort();
        try (Session us = Session.builder().settings(settings()).build();
             ExternalPeer tr = transmission(trDir, watch, trPort)) {
            TorrentHandle h = us.add(AddTorrent.metainfo(mi).saveTo(file.getParent())).get(10, TimeUnit.SECONDS);
            h.completion().get(30, TimeUnit.SECONDS);
            Files.write(watch.resolve("t.torrent"), mi.encode());
            Path got = trDir.resolve("payload.bin");
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!sameContent(file, got) && System.nanoTime() < end) {
                if (h.peers().get(5, TimeUnit.SECONDS).isEmpty()) {
                    h.connectPeer(new InetSocketAddress("127.0.0.1", trPort)); // INTEROP.md: we must dial Transmission
                }
                Thread.sleep(500); // polling Transmission's file; bounded by the deadline
            }
            if (!sameContent(file, got)) {
                throw new AssertionError("Transmission did not complete; its log:\n" + tr.output());
            }
        }
    }

    private ExternalPeer aria2(Path dir, Path torrent, boolean seed) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("aria2c", "--dir=" + dir, "--enable-dht=false", "--enable-dht6=false",
                "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--listen-port=" + freePort(),
                "--summary-interval=0", "--file-allocation=none", "--console-log-level=notice",
                "--bt-tracker-interval=2", "--seed-time=" + (seed ? "600" : "0")));
        if (seed) {
            cmd.add("--check-integrity=true");
            cmd.add("--seed-ratio=0.0");
        }
        cmd.add(torrent.toString());
        return ExternalPeer.start("aria2", cmd, Map.of());
    }

    @Test
    void aria2DownloadsFromHivebtThroughOurTracker() throws Exception {
        ExternalPrograms.require("aria2c", "aria2");
        Path file = payload();
        try (TrackerServer tracker = TrackerServer.builder().bindAddress(InetAddress.getLoopbackAddress()).httpPort(0)
                .udpPort(-1).announceInterval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1)).build().start();
             Session us = Session.builder().settings(settings()).build()) {
            String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
            Metainfo mi = TorrentCreator.builder(file).pieceLength(256 * 1024).addTier(announce).build().create();
            Path torrent = Files.write(tmp.resolve("t.torrent"), mi.encode());
            TorrentHandle h = us.add(AddTorrent.metainfo(mi).saveTo(file.getParent())).get(10, TimeUnit.SECONDS);
            h.completion().get(30, TimeUnit.SECONDS);
            Path ariaDir = Files.createDirectories(tmp.resolve("aria"));
            try (ExternalPeer aria = aria2(ariaDir, torrent, false)) {
                assertEquals0(aria.waitFor(DEADLINE), aria);
            }
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(ariaDir.resolve("payload.bin")));
        }
    }

    @Test
    void hivebtDownloadsFromAria2ThroughOurTracker() throws Exception {
        ExternalPrograms.require("aria2c", "aria2");
        Path file = payload();
        try (TrackerServer tracker = TrackerServer.builder().bindAddress(InetAddress.getLoopbackAddress()).httpPort(0)
                .udpPort(-1).announceInterval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1)).build().start()) {
            String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
            Metainfo mi = TorrentCreator.builder(file).pieceLength(256 * 1024).addTier(announce).build().create();
            Path torrent = Files.write(tmp.resolve("t.torrent"), mi.encode());
            try (ExternalPeer aria = aria2(file.getParent(), torrent, true);
                 Session us = Session.builder().settings(settings()).build()) {
                await(() -> tracker.stats().seeders() >= 1, DEADLINE, () -> "aria2 to announce as a seeder:\n" + aria.output());
                TorrentHandle h = us.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl"))).get(10, TimeUnit.SECONDS);
                h.completion().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(tmp.resolve("dl/payload.bin")));
            }
        }
    }

    private static void assertEquals0(int code, ExternalPeer p) {
        if (code != 0) {
            throw new AssertionError(p + " exited with " + code + ":\n" + p.output());
        }
    }
}
