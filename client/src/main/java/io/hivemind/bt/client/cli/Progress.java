package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.TorrentStatus;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Renders torrent progress: a one-line bar redrawn in place on a terminal, or one JSON object per line otherwise
 * ({@code --json-progress}). Not thread-safe; one printer per output.
 */
final class Progress {
    private final PrintStream out;
    private final boolean json;
    private final boolean tty;
    private int lastWidth;

    Progress(PrintStream out, boolean json, boolean tty) {
        this.out = out;
        this.json = json;
        this.tty = tty;
    }

    /** A printer for the current process: bar on a console, JSON lines when asked or when not on a console. */
    static Progress forConsole(PrintStream out, boolean jsonRequested) {
        boolean tty = System.console() != null && System.console().isTerminal();
        return new Progress(out, jsonRequested || !tty, tty && !jsonRequested);
    }

    void update(TorrentStatus s) {
        if (json) {
            out.println(json(s));
            out.flush();
            return;
        }
        String line = bar(s);
        if (tty) {
            StringBuilder sb = new StringBuilder("\r").append(line);
            for (int i = line.length(); i < lastWidth; i++) {
                sb.append(' ');
            }
            lastWidth = line.length();
            out.print(sb);
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the in-place line so later output starts on a fresh one. */
    void finish() {
        if (tty && lastWidth > 0) {
            out.println();
        }
    }

    static String bar(TorrentStatus s) {
        int width = 30;
        int filled = (int) Math.round(s.progress() * width);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-12s [", s.state().name().toLowerCase(Locale.ROOT)));
        for (int i = 0; i < width; i++) {
            b.append(i < filled ? '#' : '.');
        }
        b.append(String.format(Locale.ROOT, "] %5.1f%%  down %s/s  up %s/s  peers %d (%d seeds)  ETA %s",
                s.progress() * 100, bytes(s.downloadRate()), bytes(s.uploadRate()), s.peers(), s.seeds(),
                eta(s.etaSeconds())));
        if (s.errorMessage() != null) {
            b.append("  error: ").append(s.errorMessage());
        }
        return b.toString();
    }

    static String json(TorrentStatus s) {
        return String.format(Locale.ROOT,
                "{\"state\":\"%s\",\"progress\":%.4f,\"done\":%d,\"wanted\":%d,\"downloadRate\":%d,\"uploadRate\":%d,"
                        + "\"downloaded\":%d,\"uploaded\":%d,\"peers\":%d,\"seeds\":%d,\"eta\":%d%s}",
                s.state().name().toLowerCase(Locale.ROOT), s.progress(), s.doneBytes(), s.wantedBytes(),
                s.downloadRate(), s.uploadRate(), s.totalDownloaded(), s.totalUploaded(), s.peers(), s.seeds(),
                s.etaSeconds(), s.errorMessage() == null ? "" : ",\"error\":\"" + escape(s.errorMessage()) + "\"");
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String eta(long seconds) {
        if (seconds < 0) {
            return "-";
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m" + (seconds % 60) + "s";
        }
        return (seconds / 3600) + "h" + (seconds % 3600 / 60) + "m";
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
