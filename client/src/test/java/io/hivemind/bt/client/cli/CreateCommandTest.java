package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import io.hivemind.bt.wire.testing.Libtorrent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hivebt create}: options end up in the torrent, exit codes are 0 / 1 (bad input) / 2 (usage). */
class CreateCommandTest {

    @TempDir
    Path tmp;

    private Path data() throws IOException {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir.resolve("sub"));
        byte[] b = new byte[70_000];
        new Random(1).nextBytes(b);
        Files.write(dir.resolve("a.bin"), b);
        Files.write(dir.resolve("sub/b.txt"), "hello".getBytes());
        return dir;
    }

    @Test
    void createsAHybridTorrentWithEveryOption() throws IOException {
        Path out = tmp.resolve("out.torrent");
        CliRun r = CliRun.of("create", data().toString(), "-o", out.toString(), "-t",
                "udp://t1.example:6969/announce,http://t2.example/announce", "-t", "http://t3.example/announce",
                "--piece-size", "32K", "--private", "--comment", "hi there", "--hybrid", "--web-seed",
                "http://seed.example/", "--date", "1700000000", "--source", "SRC");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("created " + out), r.out());
        assertTrue(r.out().contains("info-hash v1: ") && r.out().contains("info-hash v2: "), r.out());
        Metainfo m = Metainfo.parse(Files.readAllBytes(out));
        assertEquals(TorrentVersion.HYBRID, m.info().version());
        assertEquals(32 * 1024, m.info().pieceLength());
        assertTrue(m.info().isPrivate());
        assertEquals("hi there", m.comment());
        assertEquals(1_700_000_000, m.creationDate());
        assertEquals("SRC", m.info().source());
        assertEquals(List.of(List.of("udp://t1.example:6969/announce", "http://t2.example/announce"),
                List.of("http://t3.example/announce")), m.announceTiers());
        assertEquals(List.of("http://seed.example/"), m.urlList());
        assertTrue(r.out().contains(m.infoHashes().v1Hex()) && r.out().contains(m.infoHashes().v2Hex()));
    }

    /** The file the CLI writes is read by libtorrent with the info-hashes the CLI printed. */
    @Test
    void libtorrentReadsWhatTheCliWrites() throws IOException {
        Path out = tmp.resolve("v2.torrent");
        CliRun r = CliRun.of("create", data().toString(), "-o", out.toString(), "--v2", "--no-date", "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.out());
        Metainfo m = Metainfo.parse(Files.readAllBytes(out));
        assertEquals(-1, m.creationDate());
        assertEquals(m.infoHashes().v2Hex(), Libtorrent.inspect(out).v2());
    }

    @Test
    void badInputIsExitCodeOneWithAMessage() throws IOException {
        CliRun missing = CliRun.of("create", tmp.resolve("nope").toString(), "-o", tmp.resolve("x.torrent").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), "one line: " + missing.err());

        Path out = tmp.resolve("exists.torrent");
        Files.write(out, new byte[]{1});
        CliRun exists = CliRun.of("create", data().toString(), "-o", out.toString());
        assertEquals(1, exists.exitCode());
        assertTrue(exists.err().contains("--force"), exists.err());
        assertEquals(1, Files.size(out), "not overwritten");
        assertEquals(0, CliRun.of("create", data().toString(), "-o", out.toString(), "--force", "-q").exitCode());
        assertTrue(Files.size(out) > 1);

        CliRun badPiece = CliRun.of("create", data().toString(), "-o", tmp.resolve("y.torrent").toString(), "--v2",
                "--piece-size", "20000");
        assertEquals(1, badPiece.exitCode());
        assertTrue(badPiece.err().contains("power of two"), badPiece.err());
        assertFalse(Files.exists(tmp.resolve("y.torrent")));
    }

    @Test
    void usageErrorsAreExitCodeTwo() throws IOException {
        assertEquals(2, CliRun.of("create").exitCode());
        assertEquals(2, CliRun.of("create", data().toString(), "--v2", "--hybrid").exitCode());
        assertEquals(2, CliRun.of("create", data().toString(), "--piece-size", "lots").exitCode());
        assertEquals(2, CliRun.of("create", data().toString(), "--no-such-option").exitCode());
        assertEquals(2, CliRun.of().exitCode());
        assertEquals(0, CliRun.of("create", "--help").exitCode());
    }
}
