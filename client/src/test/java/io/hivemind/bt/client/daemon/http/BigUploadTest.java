package io.hivemind.bt.client.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Uploads stream to disk: a 512 MiB multipart upload to {@code /api/create_torrent} succeeds in a JVM whose whole
 * heap is 48 MiB (the "a 10 GiB upload must not need 10 GiB of heap", at a size that runs in seconds).
 */
class BigUploadTest {

    @Test
    void uploadLargerThanTheHeapStreamsToDisk() throws Exception {
        Path root = Files.createTempDirectory("hivebt-bigupload-");
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-Xmx48m", "-Dio.netty.leakDetection.level=disabled",
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                    "-cp", System.getProperty("java.class.path"), BigUploadMain.class.getName(), root.toString(), "512")
                    .redirectErrorStream(true).start();
            String out;
            try {
                assertTrue(p.waitFor(300, TimeUnit.SECONDS), "upload did not finish");
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                p.destroyForcibly();
            }
            String last = List.of(out.strip().split("\n")).getLast();
            assertEquals(0, p.exitValue(), out);
            assertTrue(last.startsWith("201 " + (512L << 20) + " "), out);
            long maxHeap = Long.parseLong(last.substring(last.indexOf("maxHeap=") + 8));
            assertTrue(maxHeap < (64L << 20), "heap was " + maxHeap);
        } finally {
            UploadReceiver.deleteTree(root);
        }
    }
}
