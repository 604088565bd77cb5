package io.hivemind.bt.tracker.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Helpers for the real-program interop tests: processes that are always destroyed, free ports, torrents made with
 * mktorrent, info-hashes read from the torrent bytes. Not thread-safe; one per test.
 */
final class Interop implements AutoCloseable {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final Path dir;
    private final List<Process> processes = new ArrayList<>();

    Interop(Path dir) throws IOException {
        this.dir = dir;
        // Programs that drop privileges (opentracker runs as "nobody") must read what we write here.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Starts a program with its output in {@code <name>.log}; it is destroyed by {@link #close()}. */
    Process start(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits for a process to exit, at most {@code seconds}; true when it exited with 0. */
    static boolean exitsOk(Process p, long seconds) throws InterruptedException {
        return p.waitFor(seconds, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A port free for both TCP and UDP on loopback (racy by nature; good enough on a test machine). */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
                int port = s.getLocalPort();
                if (port < 1025) {
                    continue; // libtorrent 2.0 refuses privileged peer ports
                }
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                    return port;
                } catch (IOException busy) {
                    // try another
                }
            }
        }
        throw new IOException("no free port");
    }

    static void awaitTcp(int port, long seconds) throws InterruptedException {
        await(() -> {
            try (Socket s = new Socket(LOOPBACK, port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }, seconds, "port " + port + " to accept");
    }

    static void await(BooleanSupplier condition, long seconds, String what) throws InterruptedException {
        await(condition, seconds, () -> what);
    }

    /** As above, with the description built only on failure (so it can show the programs' logs at that moment). */
    static void await(BooleanSupplier condition, long seconds, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what.get());
            }
            Thread.sleep(100);
        }
    }

    /** A file of random bytes. */
    Path randomFile(String name, int bytes, long seed) throws IOException {
        Path f = dir.resolve("seed").resolve(name);
        Files.createDirectories(f.getParent());
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        Files.write(f, data);
        return f;
    }

    /** A private (BEP 27: no DHT, PEX or LSD) single-file torrent with one tracker, made by mktorrent. */
    Path mktorrent(Path file, String announce) throws Exception {
        Path out = dir.resolve(file.getFileName() + ".torrent");
        Process p = new ProcessBuilder("mktorrent", "-p", "-l", "16", "-a", announce, "-o", out.toString(),
                file.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "mktorrent finished");
        assertEquals(0, p.exitValue(), "mktorrent");
        return out;
    }

    /** The v1 info-hash: SHA-1 over the {@code info} dictionary's original bytes. */
    static byte[] infoHash(Path torrent) throws Exception {
        byte[] bytes = Files.readAllBytes(torrent);
        BDict root = (BDict) BencodeDecoder.decode(bytes);
        BDict info = root.getDict("info");
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(bytes, info.sourceStart(), info.sourceEnd() - info.sourceStart());
        return sha1.digest();
    }

    static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Copies a test resource of this package into the test directory. */
    Path resource(String name) throws IOException {
        Path out = dir.resolve(name);
        try (InputStream in = Interop.class.getResourceAsStream(name)) {
            Files.copy(in, out);
        }
        return out;
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
