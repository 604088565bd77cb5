package io.hivemind.bt.client.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Uploads stream to disk: a multipart upload to {@code /api/create_torrent} several times larger than the whole
 * heap succeeds in a JVM started with a small {@code -Xmx} (the "a 10 GiB upload must not need 10 GiB of
 * heap", at a size that runs in seconds), over the fake session and over the real session with the real torrent
 * creator (hashed from disk, seeded). The peak heap use is printed to the test's output.
 */
class BigUploadTest {

    /** Runs {@link BigUploadMain}; returns its last line, {@code status size state peakHeapUsed=… maxHeap=…}. */
    private static String[] upload(String xmx, long mib, String mode) throws Exception {
        Path root = Files.createTempDirectory("hivebt-bigupload-");
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-Dio.netty.leakDetection.level=disabled",
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                    "-cp", System.getProperty("java.class.path"), BigUploadMain.class.getName(), root.toString(),
                    Long.toString(mib)));
            if (mode != null) {
                cmd.add(mode);
            }
            Path log = root.resolve("child.log"); // a file, so a chatty child never blocks on a full pipe
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertTrue(p.waitFor(300, TimeUnit.SECONDS), "upload did not finish");
            } finally {
                p.destroyForcibly();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            String last = List.of(out.strip().split("\n")).getLast();
            System.out.println("BigUploadTest " + (mode == null ? "fake" : mode) + " -Xmx" + xmx + " " + mib + " MiB: "
                    + last);
            return last.split(" ");
        } finally {
            UploadReceiver.deleteTree(root);
        }
    }

    private static long value(String[] line, String key) {
        for (String s : line) {
            if (s.startsWith(key + "=")) {
                return Long.parseLong(s.substring(key.length() + 1));
            }
        }
        throw new AssertionError("no " + key + " in " + String.join(" ", line));
    }

    @Test
    void uploadLargerThanTheHeapStreamsToDisk() throws Exception {
        String[] r = upload("48m", 512, null);
        assertEquals("201", r[0], String.join(" ", r));
        assertEquals(512L << 20, Long.parseLong(r[1]));
        assertTrue(value(r, "maxHeap") < (64L << 20), "heap was " + value(r, "maxHeap"));
        assertTrue(value(r, "peakHeapUsed") < (512L << 20) / 8, "peak heap " + value(r, "peakHeapUsed"));
    }

    /**
     * Over the real session: a 512 MiB upload in a 64 MiB heap is stored, hashed into a hybrid torrent (BEP 52)
     * by {@code CreatorTorrentFactory} and seeded at once.
     */
    @Test
    void uploadLargerThanTheHeapIsHashedAndSeededByTheRealSession() throws Exception {
        String[] r = upload("64m", 512, "real");
        assertEquals("201", r[0], String.join(" ", r));
        assertEquals(512L << 20, Long.parseLong(r[1]));
        assertEquals("seeding", r[2], String.join(" ", r));
        assertTrue(value(r, "maxHeap") < (80L << 20), "heap was " + value(r, "maxHeap"));
        assertTrue(value(r, "peakHeapUsed") < (512L << 20) / 8, "peak heap " + value(r, "peakHeapUsed"));
    }
}
