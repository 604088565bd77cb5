package io.hivemind.bt.wire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code mktorrent} (1.1): skips locally and fails in CI when it is missing. */
public final class Mktorrent {
    private Mktorrent() {
    }

    /**
     * {@code mktorrent -l <log2 piece size> -t 2 [extra…] -o out path}. mktorrent refuses to overwrite {@code out}.
     *
     * @param extra more options, e.g. {@code "-a", url}, {@code "-p"}, {@code "-c", comment}, {@code "-w", url}
     */
    public static void create(Path path, long pieceLength, Path out, String... extra) {
        Path exe = ExternalPrograms.require("mktorrent", "mktorrent");
        if (Long.bitCount(pieceLength) != 1) {
            throw new IllegalArgumentException("mktorrent takes a power-of-two piece length: " + pieceLength);
        }
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-l",
                Integer.toString(Long.numberOfTrailingZeros(pieceLength)), "-t", "2"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-o", out.toString(), path.toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("mktorrent timed out");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("mktorrent failed (" + p.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
