package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code hivebt} command run in its own JVM (this test's class path and JDK), its output in files. Closing it
 * sends SIGTERM, then SIGKILL after a few seconds.
 */
final class CliProcess implements AutoCloseable {
    final String name;
    final Process process;
    final Path stdout;
    final Path stderr;

    private CliProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static CliProcess start(String name, Path logs, List<String> args) throws IOException {
        Files.createDirectories(logs);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m", "-XX:-UsePerfData",
                "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HIVEBT_LOG", "info");
        pb.environment().remove("HIVEBT_TOKEN");
        return new CliProcess(name, pb.start(), out, err);
    }

    /** Waits for a line of stdout matching {@code regex} and returns its first group. */
    String awaitOutput(String regex, long seconds) throws Exception {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(stdout)) {
                for (String line : Files.readAllLines(stdout)) {
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        return m.groupCount() > 0 ? m.group(1) : line;
                    }
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ": " + tail());
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " printed no line matching " + regex + ": " + tail());
    }

    String tail() throws IOException {
        String e = Files.exists(stderr) ? Files.readString(stderr) : "";
        String o = Files.exists(stdout) ? Files.readString(stdout) : "";
        String all = "stdout: " + o + "\nstderr: " + e;
        return all.length() > 6000 ? all.substring(all.length() - 6000) : all;
    }

    /** SIGKILL, and wait for it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
