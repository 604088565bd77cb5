package io.hivemind.bt.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers for storage tests: sizes on disk, mappings and descriptors of this process. */
final class StorageTesting {
    private StorageTesting() {
    }

    static Storage storage() {
        return Storage.builder().hashThreads(2).diskThreads(2).pieceBufferBudget(16L << 20).openFileLimit(64).build();
    }

    /** Bytes allocated on disk for {@code p} ({@code stat -c %b} × 512). */
    static long allocatedBytes(Path p) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes()).trim();
        if (!pr.waitFor(10, TimeUnit.SECONDS) || pr.exitValue() != 0) {
            throw new IOException("stat failed: " + out);
        }
        String[] parts = out.split(" ");
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }

    /** Lines of /proc/self/maps that map a file below {@code dir}. */
    static List<String> mappingsUnder(Path dir) throws IOException {
        String d = dir.toRealPath().toString();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains(d)).toList();
        }
    }

    /** Open descriptors of this process on files below {@code dir}. */
    static long descriptorsUnder(Path dir) throws IOException {
        String d = dir.toRealPath().toString();
        long n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(d)) {
                        n++;
                    }
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        }
        return n;
    }

    static int[] priorities(int n, int value) {
        int[] p = new int[n];
        java.util.Arrays.fill(p, value);
        return p;
    }
}
