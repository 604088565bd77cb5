package io.hivemind.bt.client.daemon.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.DaemonFixture;
import io.hivemind.bt.client.daemon.DaemonRestTestData;
import io.hivemind.bt.client.daemon.FakeSession;
import io.hivemind.bt.client.daemon.TestTorrents;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@code transmission-remote} (Debian's transmission-cli 3.00, legacy RPC) against our daemon on the
 * RPC port: list, add, stop, start, info, session stats, session info and remove all work, through the 409
 * session-id handshake.
 */
class TransmissionRemoteTest {
    private DaemonFixture f;
    private Path remote;

    @BeforeEach
    void start() throws Exception {
        remote = ExternalPrograms.require("transmission-remote", "transmission-cli");
        f = new DaemonFixture();
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(remote.toString());
        cmd.add("127.0.0.1:" + f.rpc().getPort());
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
}
