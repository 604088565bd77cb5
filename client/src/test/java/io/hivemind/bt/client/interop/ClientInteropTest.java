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
 * hivebt against Transmission 3.00 (transmission-daemon), aria2 1.36 and qBittorrent 4.5 (qbittorrent-nox, driven
 * through its WebUI API) on loopback, both directions (BEP 3).
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
    private ExternalPeer transmission(Path downloadDir, Path watch, int peerPort, String... extra) throws IOException {
        Path config = Files.createDirectories(tmp.resolve("tr-config-" + peerPort));
        List<String> cmd = new ArrayList<>(List.of("transmission-daemon", "-f", "-g", config.toString(), "-w",
                downloadDir.toString(), "-c", watch.toString(), "-T", "-p", String.valueOf(freePort()), "-r", "127.0.0.1",
                "-P", String.valueOf(peerPort), "-i", "127.0.0.1", "-O", "-Y", "--no-utp", "-M", "--log-info"));
        cmd.addAll(List.of(extra));
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

    /**
     * MSE/PE (issue 9) with Transmission set to {@code --encryption-required} and our session to
     * {@link SessionSettings.EncryptionPolicy#FORCED}: neither side accepts plaintext, so a completed download means
     * the whole stream went through RC4 (Transmission 3.00 offers only RC4 when encryption is required). We dial
     * Transmission (INTEROP.md), once as the downloader and once as the seeder.
     */
    @Test
    void forcedEncryptionWithEncryptionRequiredTransmission() throws Exception {
        ExternalPrograms.require("transmission-daemon", "transmission-daemon");
        Path file = payload();
        Metainfo mi = TorrentCreator.builder(file).pieceLength(256 * 1024).build().create();
        SessionSettings forced = SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false)
                .encryption(SessionSettings.EncryptionPolicy.FORCED).build();
        Path watch = Files.createDirectories(tmp.resolve("watch"));
        // Transmission seeds, we download
        int trPort = freePort();
        try (ExternalPeer tr = transmission(file.getParent(), watch, trPort, "-er");
             Session us = Session.builder().settings(forced).build()) {
            Files.write(watch.resolve("t.torrent"), mi.encode());
            TorrentHandle h = us.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl"))
                    .peers(List.of(new InetSocketAddress("127.0.0.1", trPort)))).get(10, TimeUnit.SECONDS);
            List<io.hivemind.bt.client.PeerInfo> seen = new ArrayList<>();
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!h.completion().isDone() && System.nanoTime() < end) {
                h.connectPeer(new InetSocketAddress("127.0.0.1", trPort));
                try {
                    if (!h.completion().isDone()) {
                        seen.addAll(h.peers().get(20, TimeUnit.SECONDS));
                    }
                    h.completion().get(3, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException again) {
                    // not yet (or a loaded machine: the status snapshot is late)
                }
            }
            if (!h.completion().isDone()) {
                throw new AssertionError("no encrypted download from Transmission; its log:\n" + tr.output());
            }
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(tmp.resolve("dl/payload.bin")));
            org.junit.jupiter.api.Assertions.assertTrue(seen.stream().allMatch(p -> p.encrypted()),
                    "a plaintext connection under forced encryption: " + seen);
        }
        // we seed, Transmission downloads (over a connection we dial)
        Path trDir = Files.createDirectories(tmp.resolve("tr-dl"));
        Path watch2 = Files.createDirectories(tmp.resolve("watch2"));
        int trPort2 = freePort();
        try (Session us = Session.builder().settings(forced).build()) {
            TorrentHandle h = us.add(AddTorrent.metainfo(mi).saveTo(file.getParent())).get(10, TimeUnit.SECONDS);
            h.completion().get(30, TimeUnit.SECONDS);
            try (ExternalPeer tr = transmission(trDir, watch2, trPort2, "-er")) {
                Files.write(watch2.resolve("t.torrent"), mi.encode());
                Path got = trDir.resolve("payload.bin");
                List<io.hivemind.bt.client.PeerInfo> seen = new ArrayList<>();
                long end = System.nanoTime() + DEADLINE.toNanos();
                while (!sameContent(file, got) && System.nanoTime() < end) {
                    List<io.hivemind.bt.client.PeerInfo> now = h.peers().get(20, TimeUnit.SECONDS);
                    seen.addAll(now);
                    if (now.isEmpty()) {
                        h.connectPeer(new InetSocketAddress("127.0.0.1", trPort2)); // INTEROP.md: we must dial it
                    }
                    Thread.sleep(500); // polling Transmission's file; bounded by the deadline
                }
                if (!sameContent(file, got)) {
                    throw new AssertionError("Transmission did not complete over MSE; its log:\n" + tr.output());
                }
                org.junit.jupiter.api.Assertions.assertFalse(seen.isEmpty(), "Transmission never connected");
                org.junit.jupiter.api.Assertions.assertTrue(seen.stream().allMatch(p -> p.encrypted()),
                        "a plaintext connection under forced encryption: " + seen);
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

    /**
     * qbittorrent-nox 4.5 with a fresh profile: legal notice accepted, WebUI on loopback without login for
     * localhost, a fixed peer port, plaintext allowed (INTEROP.md: set encryption explicitly), uTP/DHT/LSD/PEX off.
     */
    private ExternalPeer qbittorrent(Path profile, int webPort, int peerPort) throws IOException {
        Path conf = Files.createDirectories(profile.resolve("qBittorrent/config")).resolve("qBittorrent.conf");
        Files.writeString(conf, String.join("\n",
                "[LegalNotice]", "Accepted=true", "",
                "[BitTorrent]", "Session\\Port=" + peerPort, "Session\\Interface=lo", "Session\\InterfaceName=lo",
                "Session\\DHTEnabled=false", "Session\\LSDEnabled=false", "Session\\PeXEnabled=false",
                "Session\\Encryption=0", "Session\\BTProtocol=TCP", "Session\\AnonymousModeEnabled=false",
                "", "[Preferences]", "WebUI\\Port=" + webPort, "WebUI\\Address=127.0.0.1",
                "WebUI\\LocalHostAuth=false", "WebUI\\CSRFProtection=false", "WebUI\\HostHeaderValidation=false",
                "Connection\\PortRangeMin=" + peerPort, "Connection\\UPnP=false", ""));
        return ExternalPeer.start("qbittorrent", List.of("qbittorrent-nox", "--profile=" + profile,
                "--webui-port=" + webPort), Map.of("HOME", profile.toString()));
    }

    /** POSTs a qBittorrent WebUI API call (multipart when a torrent file is given); returns the HTTP status. */
    private static int qbit(int webPort, String path, Map<String, String> fields, Path torrentFile) throws Exception {
        if (torrentFile == null) {
            StringBuilder form = new StringBuilder();
            for (var e : fields.entrySet()) {
                form.append(form.isEmpty() ? "" : "&").append(e.getKey()).append('=')
                        .append(java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8));
            }
            java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + webPort + path))
                    .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(10))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form.toString())).build();
            try (java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient()) {
                return c.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            }
        }
        String boundary = "hivebt" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (var e : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n"
                    + e.getValue() + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (torrentFile != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"torrents\"; filename=\"t.torrent\"\r\n"
                    + "Content-Type: application/x-bittorrent\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            body.writeBytes(Files.readAllBytes(torrentFile));
            body.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + webPort + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(10))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        try (java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient()) {
            return c.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private static void awaitWebUi(int webPort, ExternalPeer qb) throws InterruptedException {
        await(() -> {
            try {
                return qbit(webPort, "/api/v2/app/version", Map.of(), null) == 200
                        || qbit(webPort, "/api/v2/app/version", Map.of(), null) == 405;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(30), () -> "qBittorrent's WebUI:\n" + qb.output());
    }

    @Test
    void qbittorrentDownloadsFromHivebt() throws Exception {
        ExternalPrograms.require("qbittorrent-nox", "qbittorrent-nox");
        Path file = payload();
        Metainfo mi = TorrentCreator.builder(file).pieceLength(256 * 1024).build().create();
        Path torrent = Files.write(tmp.resolve("t.torrent"), mi.encode());
        Path qbDir = Files.createDirectories(tmp.resolve("qb-dl"));
        int web = freePort();
        try (Session us = Session.builder().settings(settings()).build();
             ExternalPeer qb = qbittorrent(tmp.resolve("qb-profile"), web, freePort())) {
            TorrentHandle h = us.add(AddTorrent.metainfo(mi).saveTo(file.getParent())).get(10, TimeUnit.SECONDS);
            h.completion().get(30, TimeUnit.SECONDS);
            awaitWebUi(web, qb);
            assertEquals0(qbit(web, "/api/v2/torrents/add", Map.of("savepath", qbDir.toString()), torrent) == 200 ? 0 : 1, qb);
            String hash = mi.infoHashes().v1Hex();
            Path got = qbDir.resolve("payload.bin");
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!sameContent(file, got) && System.nanoTime() < end) {
                qbit(web, "/api/v2/torrents/addPeers", Map.of("hashes", hash,
                        "peers", "127.0.0.1:" + us.listenAddresses().get(0).getPort()), null);
                Thread.sleep(1000); // polling qBittorrent's file; bounded by the deadline
            }
            if (!sameContent(file, got)) {
                throw new AssertionError("qBittorrent did not complete; its log:\n" + qb.output());
            }
        }
    }

    @Test
    void hivebtDownloadsFromQbittorrent() throws Exception {
        ExternalPrograms.require("qbittorrent-nox", "qbittorrent-nox");
        Path file = payload();
        Metainfo mi = TorrentCreator.builder(file).pieceLength(256 * 1024).build().create();
        Path torrent = Files.write(tmp.resolve("t.torrent"), mi.encode());
        int web = freePort();
        int qbPort = freePort();
        try (ExternalPeer qb = qbittorrent(tmp.resolve("qb-profile"), web, qbPort);
             Session us = Session.builder().settings(settings()).build()) {
            awaitWebUi(web, qb);
            assertEquals0(qbit(web, "/api/v2/torrents/add", Map.of("savepath", file.getParent().toString(),
                    "skip_checking", "true"), torrent) == 200 ? 0 : 1, qb);
            TorrentHandle h = us.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl"))
                    .peers(List.of(new InetSocketAddress("127.0.0.1", qbPort)))).get(10, TimeUnit.SECONDS);
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!h.completion().isDone() && System.nanoTime() < end) {
                h.connectPeer(new InetSocketAddress("127.0.0.1", qbPort));
                try {
                    h.completion().get(3, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException again) {
                    // qBittorrent may still be loading the torrent
                }
            }
            if (!h.completion().isDone()) {
                throw new AssertionError("no download from qBittorrent; its log:\n" + qb.output());
            }
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(tmp.resolve("dl/payload.bin")));
        }
    }

    private static void assertEquals0(int code, ExternalPeer p) {
        if (code != 0) {
            throw new AssertionError(p + " exited with " + code + ":\n" + p.output());
        }
    }
}
