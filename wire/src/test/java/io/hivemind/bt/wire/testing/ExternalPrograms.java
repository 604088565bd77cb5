package io.hivemind.bt.wire.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Interop tests use real programs from Debian's packages. When one is missing, the test is skipped with a
 * visible reason on a developer's machine, and fails under CI ({@code CI=true}), where {@code .ci/run}
 * installs them.
 */
public final class ExternalPrograms {
    /** The Debian python that has {@code python3-libtorrent}; the pyenv python does not. */
    public static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    private static final ConcurrentHashMap<String, Boolean> CACHE = new ConcurrentHashMap<>();

    private ExternalPrograms() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (locally) or fails (in CI) unless {@code program} is on the PATH. */
    public static Path require(String program, String debianPackage) {
        Path found = which(program);
        if (found == null) {
            missing(program + " is not installed (apt-get install " + debianPackage + ")");
        }
        return found;
    }

    /** Skips (locally) or fails (in CI) unless {@code /usr/bin/python3} can import libtorrent. */
    public static void requireLibtorrent() {
        boolean ok = CACHE.computeIfAbsent("libtorrent", k -> runsOk(SYSTEM_PYTHON.toString(), "-c", "import libtorrent"));
        if (!ok) {
            missing("python3-libtorrent is not installed for /usr/bin/python3 (apt-get install python3-libtorrent)");
        }
    }

    /** The program's absolute path on the PATH, or null. */
    public static Path which(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin:/usr/bin").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static void missing(String reason) {
        if (inCi()) {
            fail("interop peer missing in CI: " + reason);
        }
        Assumptions.abort("skipped: " + reason);
    }

    private static boolean runsOk(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
