package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hivebt download}, {@code hivebt quickstart}: exit codes and output, run in-process through {@link Main#run}. */
class SessionCommandsTest {

    private record Result(int code, String out, String err) {
    }

    private static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void downloadFromAPeerExitsZeroWithJsonProgress(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("src/f.bin");
        Files.createDirectories(data.getParent());
        byte[] bytes = new byte[3 * 1024 * 1024 + 5];
        new SplittableRandom(4).nextBytes(bytes);
        Files.write(data, bytes);
        Metainfo mi = TorrentCreator.builder(data).pieceLength(128 * 1024).build().create();
        Path torrent = Files.write(tmp.resolve("f.torrent"), mi.encode());
        try (Session seeder = Session.builder().settings(SessionSettings.builder().listen("127.0.0.1:0").dht(false)
                .lsd(false).build()).build()) {
            seeder.add(AddTorrent.metainfo(mi).saveTo(data.getParent())).get(10, TimeUnit.SECONDS)
                    .completion().get(30, TimeUnit.SECONDS);
            int port = seeder.listenAddresses().get(0).getPort();
            Result r = run("download", torrent.toString(), "-d", tmp.resolve("dl").toString(), "--listen", "127.0.0.1:0",
                    "--peer", "127.0.0.1:" + port, "--no-dht", "--no-lsd", "--json-progress", "--timeout", "60");
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve("dl/f.bin")));
            String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.contains("\"state\":\"seeding\"") && last.contains("\"progress\":1.0000"), r.out());
        }
    }

    @Test
    void downloadOfAMissingTorrentFileFailsWithOneLine(@TempDir Path tmp) {
        Result r = run("download", tmp.resolve("nope.torrent").toString(), "-d", tmp.toString(), "--listen", "127.0.0.1:0",
                "--no-dht", "--no-lsd", "--timeout", "5");
        assertEquals(1, r.code(), r.out() + r.err());
    }

    @Test
    void badUsageIsExitCodeTwo() {
        assertEquals(2, run("download").code());
        assertEquals(2, run("quickstart", "--size", "lots").code());
    }

    @Test
    void quickstartVerifiesEveryCopy() {
        Result r = run("quickstart", "--size", "3M", "--downloaders", "2", "--kind", "hybrid", "--timeout", "120");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("downloader 1: identical") && r.out().contains("downloader 2: identical"), r.out());
        assertTrue(r.out().contains("OK: all copies verified"), r.out());
    }
}
