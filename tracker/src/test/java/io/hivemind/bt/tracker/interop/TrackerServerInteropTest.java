package io.hivemind.bt.tracker.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients find each other through our tracker, over HTTP (BEP 3) and UDP (BEP 15), and finish a download
 * with no other peer source: the torrent is private (BEP 27) and DHT, PEX and LSD are off everywhere.
 * Transmission seeds (it never dials 127.x peers, INTEROP.md, so the others dial it); libtorrent and aria2
 * download at the same time and may also trade with each other.
 */
@Tag("interop")
class TrackerServerInteropTest {
    private static final int SIZE = 4 << 20;

    private static String hash(Path file) {
        try {
            return Files.exists(file) ? Interop.sha256(file) : "";
        } catch (Exception e) {
            return "";
        }
    }

    private static String tail(String log) {
        return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "udp"})
    void transmissionSeedsLibtorrentAndAria2Download(String protocol, @TempDir Path tmp) throws Exception {
        ExternalPrograms.require("mktorrent", "mktorrent");
        ExternalPrograms.require("transmission-daemon", "transmission-daemon");
        ExternalPrograms.require("aria2c", "aria2");
        ExternalPrograms.requireLibtorrent();
        try (Interop io = new Interop(tmp);
             TrackerServer tracker = TrackerServer.builder().bindAddress(Interop.LOOPBACK)
                     .httpPort(protocol.equals("http") ? 0 : -1).udpPort(protocol.equals("udp") ? 0 : -1)
                     .announceInterval(Duration.ofSeconds(10)).minInterval(Duration.ofSeconds(5)).build().start()) {
            String announce = protocol.equals("http")
                    ? "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce"
                    : "udp://127.0.0.1:" + tracker.udpAddress().getPort() + "/announce";
            Path file = io.randomFile("payload.bin", SIZE, 7);
            Path torrent = io.mktorrent(file, announce);
            String expected = Interop.sha256(file);

            // Transmission: the seeder, picking the torrent up from a watch directory.
            Path trConfig = Files.createDirectories(tmp.resolve("tr-config"));
            Path watch = Files.createDirectories(tmp.resolve("tr-watch"));
            int rpcPort = Interop.freePort();
            int trPort = Interop.freePort();
            io.start("transmission", List.of("transmission-daemon", "-f", "-g", trConfig.toString(),
                    "-w", file.getParent().toString(), "-c", watch.toString(), "-T", "-p", String.valueOf(rpcPort),
                    "-r", "127.0.0.1", "-P", String.valueOf(trPort), "-i", "127.0.0.1", "-O", "-Y", "--no-utp", "-M",
                    "--log-info"));
            Files.copy(torrent, watch.resolve(torrent.getFileName()));
            Interop.await(() -> tracker.stats().seeders() == 1, 45,
                    () -> "Transmission to verify and announce as a seeder\n" + io.log("transmission"));

            // The leechers: both dial Transmission, which keeps one connection per IP address, so one of them
            // gets the data from Transmission and the other from it. They keep seeding until both are done.
            Path ltDir = Files.createDirectories(tmp.resolve("libtorrent"));
            Path ariaDir = Files.createDirectories(tmp.resolve("aria2"));
            io.start("libtorrent", List.of(ExternalPrograms.SYSTEM_PYTHON.toString(),
                    io.resource("lt_peer.py").toString(), torrent.toString(), ltDir.toString(),
                    String.valueOf(Interop.freePort()), "120"));
            io.start("aria2", List.of("aria2c", "--dir=" + ariaDir, "--seed-time=2",
                    // aria2 speaks UDP to trackers only through its DHT socket; a private torrent never uses DHT.
                    "--enable-dht=" + protocol.equals("udp"), "--dht-listen-port=" + Interop.freePort(),
                    "--dht-file-path=" + tmp.resolve("dht.dat"), "--enable-dht6=false", "--bt-enable-lpd=false",
                    "--enable-peer-exchange=false", "--listen-port=" + Interop.freePort(), "--summary-interval=0",
                    "--file-allocation=none", "--console-log-level=notice", torrent.toString()));
            Interop.await(() -> expected.equals(hash(ltDir.resolve("payload.bin")))
                            && expected.equals(hash(ariaDir.resolve("payload.bin"))), 60,
                    () -> "both downloads via our " + protocol + " tracker\n--- libtorrent:\n" + io.log("libtorrent")
                            + "\n--- aria2:\n" + tail(io.log("aria2")) + "\n--- tracker: " + tracker.stats());
            assertTrue(tracker.stats().announces() >= 4, "every client announced: " + tracker.stats());
            if (protocol.equals("udp")) {
                assertTrue(tracker.stats().connects() >= 3, "BEP 15 connects: " + tracker.stats());
            }
            assertTrue(io.log("libtorrent").contains("received peers"), io.log("libtorrent"));
        }
    }
}
