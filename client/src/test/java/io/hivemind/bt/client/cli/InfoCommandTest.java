package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hivebt info}: text and JSON for torrents and magnet links; exit codes 0 / 1 / 2. */
class InfoCommandTest {

    @TempDir
    Path tmp;

    private Path torrent(TorrentVersion kind) throws IOException {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("a.bin"), new byte[70_000]);
        Files.write(dir.resolve("sub/b \"quoted\"\u0007.txt"), new byte[5]);
        Metainfo m = TorrentCreator.builder(dir).version(kind).pieceLength(16 * 1024)
                .addTier("http://t.example/announce").comment("line1\nline2").build().create();
        Path file = tmp.resolve(kind + ".torrent");
        Files.write(file, m.encode());
        return file;
    }

    @Test
    void printsNameHashesSizePiecesFilesAndTrackers() throws IOException {
        Path file = torrent(TorrentVersion.HYBRID);
        Metainfo m = Metainfo.parse(Files.readAllBytes(file));
        CliRun r = CliRun.of("info", file.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("Name:         data"), out);
        assertTrue(out.contains("Version:      hybrid"), out);
        assertTrue(out.contains(m.infoHashes().v1Hex()) && out.contains(m.infoHashes().v2Hex()), out);
        assertTrue(out.contains("70005 bytes) in 2 files"), out);
        assertTrue(out.contains("Pieces:       6 x 16.0 KiB"), out);
        assertTrue(out.contains("tier 0: http://t.example/announce"), out);
        assertTrue(out.contains("data/a.bin") && out.contains("data/sub/b"), out);
        assertFalse(out.contains(".pad/"), "pad files only on request");
        assertFalse(out.contains("\u0007"), "control characters never reach the terminal");
        assertTrue(out.contains("line1\\u000aline2"), "escaped, not printed: " + out);
        assertTrue(CliRun.of("info", "--pad-files", file.toString()).out().contains(".pad/"));
    }

    @Test
    void jsonIsValidAndComplete() throws Exception {
        for (TorrentVersion kind : TorrentVersion.values()) {
            Path file = torrent(kind);
            Metainfo m = Metainfo.parse(Files.readAllBytes(file));
            CliRun r = CliRun.of("info", "--json", file.toString());
            assertEquals(0, r.exitCode(), r.err());
            String json = r.out();
            assertTrue(json.contains("\"pieceCount\": " + m.info().pieceCount()), json);
            assertTrue(json.contains("\"totalLength\": 70005"), json);
            assertTrue(json.contains("\"comment\": \"line1\\nline2\""), json);
            assertTrue(json.contains("b \\\"quoted\\\".txt"), json); // the bell was sanitised away
            if (kind.hasV2()) {
                assertTrue(json.contains("\"infoHashV2\": \"" + m.infoHashes().v2Hex() + "\""), json);
            } else {
                assertTrue(json.contains("\"infoHashV2\": null"), json);
            }
            assertValidJson(json);
        }
    }

    /** Checked with python's json module when /usr/bin/python3 is there (it is wherever the interop tests run). */
    private static void assertValidJson(String json) throws Exception {
        Path python = ExternalPrograms.SYSTEM_PYTHON;
        if (!Files.isExecutable(python)) {
            return;
        }
        Process p = new ProcessBuilder(python.toString(), "-c", "import json,sys; json.load(sys.stdin)")
                .redirectErrorStream(true).start();
        p.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output + "\n" + json);
    }

    @Test
    void showsMagnetLinks() throws Exception {
        String link = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=My+Data&tr=udp%3A%2F%2Ft%3A1%2F"
                + "&x.pe=10.0.0.1:6881&so=0,2-3";
        CliRun text = CliRun.of("info", link);
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("Name:         My Data"), text.out());
        assertTrue(text.out().contains("0123456789abcdef0123456789abcdef01234567"), text.out());
        assertTrue(text.out().contains("udp://t:1/") && text.out().contains("0,2-3"), text.out());
        CliRun json = CliRun.of("info", "--json", link);
        assertTrue(json.out().contains("\"type\": \"magnet\""), json.out());
        assertValidJson(json.out());
    }

    @Test
    void badInputIsExitCodeOne() throws IOException {
        CliRun magnet = CliRun.of("info", "magnet:?dn=nothing");
        assertEquals(1, magnet.exitCode());
        assertTrue(magnet.err().contains("MISSING_INFO_HASH"), magnet.err());
        Path junk = tmp.resolve("junk.torrent");
        Files.writeString(junk, "this is not bencode");
        CliRun bad = CliRun.of("info", junk.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("BAD_BENCODE"), bad.err());
        assertEquals(1, bad.err().strip().lines().count());
        CliRun missing = CliRun.of("info", tmp.resolve("missing.torrent").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertEquals(2, CliRun.of("info").exitCode());
    }
}
