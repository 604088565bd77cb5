package io.hivemind.bt.client.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Parses sizes and rates such as {@code 16384}, {@code 512k}, {@code 10M}, {@code 1.5G} (binary units). */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("ib")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        long mult = 1;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || Double.isNaN(d) || d * mult > Long.MAX_VALUE) {
                throw new CommandLine.TypeConversionException("not a size: " + value);
            }
            return (long) (d * mult);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a size: '" + value + "' (examples: 16384, 512k, 10M, 1.5G)");
        }
    }
}
