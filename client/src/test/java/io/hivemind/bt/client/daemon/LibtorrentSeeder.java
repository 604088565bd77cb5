package io.hivemind.bt.client.daemon;

import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A libtorrent 2.0 seeder (python3-libtorrent, the interop tests' {@code lt_node.py} in seed mode) on a loopback
 * port, announcing to the torrent's trackers. Skips the test when libtorrent is missing (fails under
 * {@code CI=true}). {@link #close} kills it.
 */
public final class LibtorrentSeeder implements AutoCloseable {
    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private LibtorrentSeeder(Process process) {
        this.process = process;
        Thread.ofVirtual().name("libtorrent-seeder-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    output.add(l);
                    if (l.startsWith("ready ")) {
                        port.complete(Integer.parseInt(l.substring(6).trim()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new AssertionError("libtorrent exited: " + output));
        });
    }

    /** Seeds {@code torrent} from {@code saveDir} (the data is trusted, libtorrent's seed mode) until closed. */
    public static LibtorrentSeeder start(Path torrent, Path saveDir, Path workDir) throws Exception {
        ExternalPrograms.requireLibtorrent();
        Path script = workDir.resolve("lt_node.py");
        try (InputStream in = LibtorrentSeeder.class.getResourceAsStream("/io/hivemind/bt/client/interop/lt_node.py")) {
            Files.copy(in, script);
        }
        ProcessBuilder pb = new ProcessBuilder(ExternalPrograms.SYSTEM_PYTHON.toString(), script.toString(),
                torrent.toString(), saveDir.toString(), "0", "600").redirectErrorStream(true);
        pb.environment().put("LT_MODE", "seed");
        LibtorrentSeeder s = new LibtorrentSeeder(pb.start());
        try {
            s.port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    public int port() {
        return port.join();
    }

    public String output() {
        synchronized (output) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()));
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
