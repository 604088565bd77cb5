package io.hivemind.bt.client.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real peer program run by an interop test: its output lines are collected on a background thread and can be
 * awaited with a deadline; {@link #close()} kills it (and its children). Every wait is bounded.
 */
final class ExternalPeer implements AutoCloseable {
    private final Process process;
    private final String name;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = Collections.synchronizedList(new ArrayList<>());

    private ExternalPeer(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread.ofVirtual().name("peer-output-" + name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.add(line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
    }

    static ExternalPeer start(String name, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        return new ExternalPeer(name, pb.start());
    }

    /** The first output line matching {@code p} within {@code timeout}; fails with the output so far otherwise. */
    String await(Predicate<String> p, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(name + ": no matching line within " + timeout + "; output:\n" + output());
            }
            String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            if (line != null && p.test(line)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before a matching line; output:\n" + output());
            }
        }
    }

    /** Waits for the process to exit; returns its exit code. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    String output() {
        synchronized (all) {
            int from = Math.max(0, all.size() - 60);
            return String.join("\n", all.subList(from, all.size()));
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
