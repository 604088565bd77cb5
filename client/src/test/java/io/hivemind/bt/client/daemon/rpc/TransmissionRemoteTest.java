package io.hivemind.bt.client.daemon.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.daemon.DaemonFixture;
import io.hivemind.bt.client.daemon.DaemonRestTestData;
import io.hivemind.bt.client.daemon.FakeSession;
import io.hivemind.bt.client.daemon.LibtorrentSeeder;
import io.hivemind.bt.client.daemon.RealDaemonFixture;
import io.hivemind.bt.client.daemon.TestTorrents;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@code transmission-remote} (Debian's transmission-cli 3.00, legacy RPC) against our daemon on the
 * RPC port: list, add, stop, start, info, session stats, session info and remove all work, through the 409
 * session-id handshake; over the {@link FakeSession} with exact figures, and over the real session downloading a
 * real torrent from a libtorrent seeder.
 */
class TransmissionRemoteTest {
    private DaemonFixture f;
    private RealDaemonFixture real;
    private Path remote;
    private int rpcPort;

    @BeforeEach
    void start() {
        remote = ExternalPrograms.require("transmission-remote", "transmission-cli");
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
        if (real != null) {
            real.close();
        }
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(remote.toString());
        cmd.add("127.0.0.1:" + rpcPort);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException("transmission-remote hung: " + cmd);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "transmission-remote " + String.join(" ", args) + " said:\n" + out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void listAddStopStartInfoStatsRemove() throws Exception {
        f = new DaemonFixture();
        rpcPort = f.rpc().getPort();
        assertTrue(run("-l").contains("Sum:"), "empty list");
        byte[] torrent = TestTorrents.single("ubuntu-mini.iso", DaemonRestTestData.bytes(300_000, 9), 32768,
                "http://127.0.0.1:6969/announce");
        Path file = f.root.resolve("ubuntu-mini.torrent");
        Files.write(file, torrent);
        String hash = Metainfo.parse(torrent).infoHashes().v1Hex();

        String added = run("-a", file.toString());
        assertTrue(added.contains("success"), added);
        assertEquals(1, f.session.handles().size());
        FakeSession.FakeHandle h = f.session.handles().getFirst();
        h.advance(150_000, 25_000);

        String list = run("-l");
        String row = list.lines().filter(l -> l.contains("ubuntu-mini.iso")).findFirst().orElseThrow(
                () -> new AssertionError(list));
        String[] cols = row.trim().split("\\s+");
        assertEquals("1", cols[0], row);
        assertEquals("50%", cols[1], row);
        assertTrue(row.contains("Downloading"), row);

        String info = run("-t", "1", "-i");
        assertTrue(info.contains("Name: ubuntu-mini.iso"), info);
        assertTrue(info.contains("Hash: " + hash), info);
        assertTrue(info.contains("Percent Done: 50"), info);
        assertTrue(info.contains("http://127.0.0.1:6969/announce") || info.contains("Public torrent"), info);

        assertTrue(run("-t", "1", "-S").contains("success"));
        assertTrue(h.isPaused());
        assertTrue(run("-l").lines().anyMatch(l -> l.contains("ubuntu-mini.iso") && l.contains("Stopped")));
        assertTrue(run("-t", hash, "-s").contains("success"));
        assertFalse(h.isPaused());

        String stats = run("-st");
        assertTrue(stats.contains("CURRENT SESSION") && stats.contains("Downloaded:"), stats);
        String si = run("-si");
        assertTrue(si.contains("RPC version: 17"), si);

        assertTrue(run("-t", "1", "-r").contains("success"));
        assertEquals(0, f.session.handles().size());
        assertFalse(run("-l").contains("ubuntu-mini.iso"));
    }

    /** The line of {@code name} in {@code transmission-remote -l}, split into columns, or null. */
    private String[] row(String name) throws IOException, InterruptedException {
        String list = run("-l");
        return list.lines().filter(l -> l.contains(name)).findFirst().map(l -> l.trim().split("\\s+")).orElse(null);
    }

    private String[] awaitRow(String name, Predicate<String[]> condition, String what) throws Exception {
        long end = System.nanoTime() + RealDaemonFixture.DEADLINE.toNanos();
        String[] last = null;
        while (System.nanoTime() < end) {
            last = row(name);
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(200); // polling transmission-remote with a bounded deadline
        }
        throw new AssertionError("timed out waiting for " + what + "; last row: " + String.join(" ", last == null
                ? new String[] {"none"} : last));
    }

    private static int percent(String[] row) {
        return row[1].endsWith("%") ? Integer.parseInt(row[1].substring(0, row[1].length() - 1)) : -1;
    }

    /**
     * Over the real session: a libtorrent seeder (found through the tracker) and a session download limit set with
     * {@code -d}, so the list shows the download under way before it reaches 100 %; then info, stop, start,
     * session stats and remove with the data ({@code -rad}).
     */
    @Test
    void realTorrentDownloadsFromALibtorrentSeeder() throws Exception {
        real = new RealDaemonFixture();
        rpcPort = real.rpc().getPort();
        Path src = real.sampleSet("lt-set", 900);
        Metainfo mi = TorrentCreator.builder(src).pieceLength(64 * 1024).addTier(real.announce()).threads(1).build()
                .create();
        Path file = real.root.resolve("lt-set.torrent");
        Files.write(file, mi.encode());
        try (LibtorrentSeeder lt = LibtorrentSeeder.start(file, src.getParent(), real.root)) {
            assertTrue(run("-d", "300").contains("success"), "session download limit");
            assertEquals(300_000, real.session.settings().downloadRateLimit());
            assertTrue(run("-a", file.toString()).contains("success"));
            String[] partly = awaitRow("lt-set", r -> percent(r) > 0 && percent(r) < 100, "progress under the limit");
            assertEquals("1", partly[0]);
            assertTrue(run("-D").contains("success"), "no session download limit");
            assertEquals(0, real.session.settings().downloadRateLimit());
            String[] done = awaitRow("lt-set", r -> percent(r) == 100 && (String.join(" ", r).contains("Idle")
                    || String.join(" ", r).contains("Seeding")), "100 % and seeding; libtorrent said:\n" + lt.output());
            assertEquals("1", done[0]);
            RealDaemonFixture.assertSameTree(src, real.downloads.resolve("lt-set"));

            String info = run("-t", "1", "-i");
            assertTrue(info.contains("Name: lt-set"), info);
            assertTrue(info.contains("Hash: " + mi.infoHashes().v1Hex()), info);
            assertTrue(info.contains("Percent Done: 100%"), info);
            assertTrue(info.contains(real.announce()) || info.contains("Public torrent"), info);

            assertTrue(run("-t", "1", "-S").contains("success"));
            awaitRow("lt-set", r -> String.join(" ", r).contains("Stopped") || String.join(" ", r).contains("Finished"),
                    "stopped");
            assertEquals(TorrentState.PAUSED, real.session.torrents().getFirst().status().state());
            assertTrue(run("-t", mi.infoHashes().v1Hex(), "-s").contains("success"));
            assertEquals(TorrentState.SEEDING, real.session.torrents().getFirst().status().state());

            String stats = run("-st");
            assertTrue(stats.contains("CURRENT SESSION") && stats.contains("Downloaded:"), stats);
            assertTrue(!stats.contains("Downloaded:   None"), "the session downloaded something: " + stats);

            assertTrue(run("-t", "1", "-rad").contains("success"));
            assertTrue(real.session.torrents().isEmpty());
            assertFalse(Files.exists(real.downloads.resolve("lt-set/model.bin")), "data deleted");
            assertFalse(run("-l").contains("lt-set"));
        }
    }
}
