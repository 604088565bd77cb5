package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hivebt recheck} against a torrent made by mktorrent: exit 0 when complete, 1 otherwise, and a summary. */
class RecheckCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void completeDataExitsZeroAndDamagedDataOne() throws Exception {
        Path mktorrent = ExternalPrograms.require("mktorrent", "mktorrent");
        Path data = Files.createDirectories(dir.resolve("save").resolve("payload"));
        Random r = new Random(1);
        for (String name : new String[] {"a.bin", "b.bin"}) {
            byte[] b = new byte[300_000];
            r.nextBytes(b);
            Files.write(data.resolve(name), b);
        }
        Path torrent = dir.resolve("payload.torrent");
        Process p = new ProcessBuilder(mktorrent.toString(), "-l", "15", "-o", torrent.toString(), data.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);

        Result ok = run("recheck", torrent.toString(), dir.resolve("save").toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("19 of 19 pieces OK, 0 missing or bad"), ok.out());
        assertTrue(ok.out().contains("MB/s"), ok.out());
        assertTrue(ok.out().contains("complete"), ok.out());

        try (FileChannel ch = FileChannel.open(data.resolve("b.bin"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55}), 123_456);
        }
        Result bad = run("recheck", "--store", "MMAP", torrent.toString(), dir.resolve("save").toString());
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.out().contains("18 of 19 pieces OK, 1 missing or bad"), bad.out());
        assertTrue(bad.out().contains("incomplete"), bad.out());
    }

    @Test
    void badInputIsReported() throws Exception {
        Path notTorrent = Files.write(dir.resolve("x.torrent"), "not bencode".getBytes());
        Result r = run("recheck", notTorrent.toString(), dir.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("not a valid torrent"), r.err());
        assertEquals(2, run("recheck", notTorrent.toString()).exit(), "missing <dir> is a usage error");
    }
}
