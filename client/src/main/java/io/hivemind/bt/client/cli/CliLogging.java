package io.hivemind.bt.client.cli;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The command line's logging backend: the library logs through {@code System.Logger}, which lands in
 * java.util.logging; the CLI shows warnings and errors on stderr in one line each, or more with
 * {@code HIVEBT_LOG=info|debug|trace}.
 */
final class CliLogging {
    private CliLogging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the user configured logging explicitly
        }
        String wanted = System.getenv().getOrDefault("HIVEBT_LOG", "warning").toLowerCase(Locale.ROOT);
        Level level = switch (wanted) {
            case "trace", "all" -> Level.ALL;
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "error" -> Level.SEVERE;
            case "off" -> Level.OFF;
            default -> Level.WARNING;
        };
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(level);
        console.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String name = r.getLoggerName() == null ? "" : r.getLoggerName();
                String shortName = name.substring(name.lastIndexOf('.') + 1);
                String msg = formatMessage(r);
                String thrown = r.getThrown() == null ? "" : " (" + r.getThrown() + ")";
                return String.format(Locale.ROOT, "hivebt %s %s: %s%s%n", r.getLevel().getName().toLowerCase(Locale.ROOT),
                        shortName, msg, thrown);
            }
        });
        root.addHandler(console);
        root.setLevel(level);
        Logger.getLogger("io.netty").setLevel(level.intValue() < Level.INFO.intValue() ? Level.INFO : level);
    }
}
