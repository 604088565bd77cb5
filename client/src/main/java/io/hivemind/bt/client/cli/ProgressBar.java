package io.hivemind.bt.client.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar redrawn with '\r', at most ten times a second. Thread-safe (callers are serialised). */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    synchronized void update(long done, long total) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        err.printf(Locale.ROOT, "\rhashing [%s%s] %3d%% %s/s ", "#".repeat(filled), " ".repeat(WIDTH - filled),
                total == 0 ? 100 : 100 * done / total, Sizes.human((long) (done / seconds)));
        err.flush();
        drawn = true;
    }

    synchronized void finish() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
        }
    }
}
