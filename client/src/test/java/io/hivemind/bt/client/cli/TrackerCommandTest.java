package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.BufferedReader;
import java.io.StringWriter;
import java.net.URI;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hivebt tracker}: starts, serves /stats, enforces the whitelist, stops when interrupted. */
class TrackerCommandTest {

    @Test
    void runsServesAndStops(@TempDir Path dir) throws Exception {
        Path whitelist = dir.resolve("whitelist.txt");
        Files.writeString(whitelist, "ab".repeat(20) + "\n");
        PipedWriter pipe = new PipedWriter();
        BufferedReader lines = new BufferedReader(new PipedReader(pipe, 1 << 16));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(new CommandLine(new Main()).setOut(new PrintWriter(pipe, true))
                .execute("tracker", "--bind", "127.0.0.1", "--http-port", "0", "--udp-port", "0", "--threads", "1",
                        "--whitelist", whitelist.toString(), "--announce-interval", "60", "--min-interval", "20")));
        t.start();
        try {
            String banner = lines.readLine();
            Matcher m = Pattern.compile("HTTP /127\\.0\\.0\\.1:(\\d+)").matcher(banner);
            assertTrue(m.find(), banner);
            assertTrue(banner.contains("interval 60 s, min interval 20 s, max peers 200"), banner);
            String base = "http://127.0.0.1:" + m.group(1);
            String stats = get(base + "/stats");
            assertTrue(stats.contains("\"swarms\":0"), stats);
            String q = "/announce?info_hash=" + "%CD".repeat(20) + "&peer_id=" + "a".repeat(20) + "&port=1";
            String refused = get(base + q);
            assertTrue(refused.contains("unregistered torrent"), refused);
            String ok = get(base + q.replace("%CD", "%AB"));
            assertTrue(ok.contains("8:intervali60e"), ok);
        } finally {
            t.interrupt();
            t.join(30_000);
        }
        assertEquals(0, exit.get());
    }

    private static String get(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(20_000);
        c.setReadTimeout(20_000);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void badSettingsAreUsageErrors() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err))
                .execute("tracker", "--http-port", "-1", "--udp-port", "-1");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("neither HTTP nor UDP"), err.toString());
    }
}
