package io.hivemind.bt.client.daemon.json;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes {@link JsonValue}s as compact JSON. Stateless and thread-safe.
 *
 * <p>Besides what RFC 8259 requires, {@code <}, {@code >}, {@code &}, U+2028 and U+2029 are written as backslash-u
 * escapes, so a torrent name like {@code </script>} stays inert if the text ever lands inside HTML, and lone
 * surrogates (possible in Java strings) become U+FFFD instead of ill-formed UTF-8.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonWriter() {
    }

    public static String write(JsonValue v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb);
        return sb.toString();
    }

    public static byte[] writeBytes(JsonValue v) {
        return write(v).getBytes(StandardCharsets.UTF_8);
    }

    public static void write(JsonValue v, StringBuilder sb) {
        switch (v) {
            case JsonObject o -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(e.getKey(), sb);
                    sb.append(':');
                    write(e.getValue(), sb);
                }
                sb.append('}');
            }
            case JsonArray a -> {
                sb.append('[');
                for (int i = 0; i < a.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(a.get(i), sb);
                }
                sb.append(']');
            }
            case JsonString s -> string(s.value(), sb);
            case JsonNumber n -> sb.append(n.literal());
            case JsonBool b -> sb.append(b.value() ? "true" : "false");
            case JsonNull ignored -> sb.append("null");
        }
    }

    /** Appends {@code s} as a quoted, escaped JSON string. */
    public static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        unicode(c, sb);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        sb.append('\ufffd');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicode(char c, StringBuilder sb) {
        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
    }
}
