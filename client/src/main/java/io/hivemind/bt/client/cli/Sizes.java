package io.hivemind.bt.client.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Byte sizes for the command line: {@code 262144}, {@code 256K}, {@code 256KiB}, {@code 4M}, {@code 1MiB}. */
final class Sizes implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        String s = value.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("K")) {
            unit = 1L << 10;
        } else if (s.endsWith("M")) {
            unit = 1L << 20;
        } else if (s.endsWith("G")) {
            unit = 1L << 30;
        }
        if (unit > 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s.strip());
            if (n <= 0) {
                throw new CommandLine.TypeConversionException("size must be positive: '" + value + "'");
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("not a size: '" + value + "' (e.g. 262144, 256K, 4M)");
        }
    }

    /** 1536 → "1.5 KiB". */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }
}
