package io.hivemind.bt.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Small file systems for fault tests (test only). Mounting needs root (or CAP_SYS_ADMIN); where it is not permitted
 * the test is skipped with the reason: an environment limit, not a missing interop peer, so also under CI.
 */
final class Mounts {
    private Mounts() {
    }

    /** Mounts a tmpfs of {@code size} (e.g. "2m") on {@code dir}, or skips the test. */
    static void tmpfs(Path dir, String size) {
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        if (out != null) {
            Assumptions.abort("skipped: cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): " + out);
        }
    }

    /** Remounts {@code dir} read-only ({@code ro = true}) or read-write. */
    static void remount(Path dir, boolean ro) {
        String out = run("mount", "-o", "remount," + (ro ? "ro" : "rw"), dir.toString());
        if (out != null) {
            throw new IllegalStateException("remount failed: " + out);
        }
    }

    /** Unmounts (lazily, so a leftover descriptor cannot keep the mount). */
    static void unmount(Path dir) {
        run("umount", "-l", dir.toString());
    }

    /** Runs a command; null on success, else its output. */
    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }
}
