package io.hivemind.bt.client.daemon.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: one {@code # HELP} and {@code # TYPE} line per
 * family, then its samples; label values escaped ({@code \\}, {@code \"}, {@code \n}). A pure formatter: it checks
 * names and that a family's samples follow its header, and knows nothing of where values come from. Not
 * thread-safe.
 */
public final class PrometheusWriter {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder sb = new StringBuilder(4096);
    private String family;

    /** Starts a family; {@code type} is counter, gauge, untyped, summary or histogram. */
    public PrometheusWriter family(String name, String type, String help) {
        checkName(name);
        family = name;
        sb.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    public PrometheusWriter sample(double value) {
        return sample(value, (String[]) null);
    }

    /** A sample of the current family with label name/value pairs. */
    public PrometheusWriter sample(double value, String... labels) {
        if (family == null) {
            throw new IllegalStateException("sample before family");
        }
        sb.append(family);
        if (labels != null && labels.length > 0) {
            if (labels.length % 2 != 0) {
                throw new IllegalArgumentException("labels come in name/value pairs");
            }
            sb.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                checkName(labels[i]);
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            sb.append('}');
        }
        sb.append(' ').append(format(value)).append('\n');
        return this;
    }

    public String text() {
        return sb.toString();
    }

    public byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void checkName(String n) {
        if (!n.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
            throw new IllegalArgumentException("bad metric or label name: " + n);
        }
    }
}
