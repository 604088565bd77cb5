package io.hivemind.bt.client.daemon.json;

import io.hivemind.bt.client.daemon.json.JsonException.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A strict RFC 8259 JSON reader over UTF-8 bytes with hard limits. Stateless and thread-safe; each call to
 * {@link #parse} uses its own cursor.
 *
 * <p>Implementation note: a recursive-descent parser working on the raw bytes. Recursion is bounded by
 * {@link JsonLimits#maxDepth()} (itself capped at 512), so hostile nesting ends in {@link Reason#TOO_DEEP}, never in a
 * {@code StackOverflowError}. Strings are decoded from UTF-8 by hand so that overlong forms, surrogates encoded in
 * UTF-8, lone surrogate escapes and raw control characters are all rejected with the offset of the bad byte.
 * Duplicate object keys are rejected: parsers disagree about which copy wins, and that disagreement is a classic
 * way to smuggle a value past a validating proxy. The reader is the one used for every REST and RPC body.
 */
public final class JsonReader {
    private static final int MAX_DEPTH_CAP = 512;

    private final byte[] in;
    private final int end;
    private final JsonLimits limits;
    private int pos;
    private int values;

    private JsonReader(byte[] in, int offset, int length, JsonLimits limits) {
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
        this.limits = limits;
    }

    /** Parses one JSON document; surrounding whitespace is allowed, anything else after it is not. */
    public static JsonValue parse(byte[] input, JsonLimits limits) {
        return parse(input, 0, input.length, limits);
    }

    public static JsonValue parse(byte[] input, int offset, int length, JsonLimits limits) {
        if (offset < 0 || length < 0 || offset + length > input.length) {
            throw new IndexOutOfBoundsException("bad range " + offset + "+" + length + " of " + input.length);
        }
        if (length > limits.maxSize()) {
            throw new JsonException(Reason.TOO_LARGE, 0, "JSON of " + length + " bytes exceeds the limit of "
                    + limits.maxSize());
        }
        JsonReader r = new JsonReader(input, offset, length, limits);
        r.skipWhitespace();
        JsonValue v = r.value(0);
        r.skipWhitespace();
        if (r.pos != r.end) {
            throw r.error(Reason.TRAILING_DATA, "unexpected data after the JSON value");
        }
        return v;
    }

    /** Parses a JSON document that must be an object (every REST and RPC body). */
    public static JsonObject parseObject(byte[] input, JsonLimits limits) {
        JsonValue v = parse(input, limits);
        if (v instanceof JsonObject o) {
            return o;
        }
        throw new JsonException(Reason.WRONG_TYPE, 0, "expected a JSON object, got " + v.typeName());
    }

    private JsonValue value(int depth) {
        if (pos >= end) {
            throw error(Reason.UNEXPECTED_END, "expected a value");
        }
        if (++values > limits.maxValues()) {
            throw error(Reason.TOO_MANY_VALUES, "more than " + limits.maxValues() + " values");
        }
        byte b = in[pos];
        return switch (b) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> new JsonString(string());
            case 't' -> literal("true", JsonBool.TRUE);
            case 'f' -> literal("false", JsonBool.FALSE);
            case 'n' -> literal("null", JsonNull.INSTANCE);
            default -> {
                if (b == '-' || (b >= '0' && b <= '9')) {
                    yield number();
                }
                throw error(Reason.UNEXPECTED_CHARACTER, "unexpected " + describe(b));
            }
        };
    }

    private void checkDepth(int depth) {
        if (depth > Math.min(limits.maxDepth(), MAX_DEPTH_CAP)) {
            throw error(Reason.TOO_DEEP, "nesting deeper than " + Math.min(limits.maxDepth(), MAX_DEPTH_CAP));
        }
    }

    private JsonObject object(int depth) {
        checkDepth(depth);
        pos++; // '{'
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return JsonObject.of(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error(pos >= end ? Reason.UNEXPECTED_END : Reason.UNEXPECTED_CHARACTER, "expected a key string");
            }
            int keyStart = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            JsonValue v = value(depth);
            if (members.putIfAbsent(key, v) != null) {
                throw new JsonException(Reason.DUPLICATE_KEY, keyStart, "duplicate key '" + shorten(key) + "'");
            }
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == '}') {
                return JsonObject.of(members);
            }
            if (c != ',') {
                pos--;
                throw error(c < 0 ? Reason.UNEXPECTED_END : Reason.UNEXPECTED_CHARACTER, "expected ',' or '}'");
            }
        }
    }

    private JsonArray array(int depth) {
        checkDepth(depth);
        pos++; // '['
        List<JsonValue> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new JsonArray(list);
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth));
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == ']') {
                return new JsonArray(list);
            }
            if (c != ',') {
                pos--;
                throw error(c < 0 ? Reason.UNEXPECTED_END : Reason.UNEXPECTED_CHARACTER, "expected ',' or ']'");
            }
        }
    }

    private JsonValue literal(String word, JsonValue v) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= end) {
                throw error(Reason.UNEXPECTED_END, "truncated literal");
            }
            if (in[pos] != word.charAt(i)) {
                throw error(Reason.UNEXPECTED_CHARACTER, "unexpected " + describe(in[pos]));
            }
            pos++;
        }
        return v;
    }

    private JsonNumber number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int c = peek();
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            digits();
        } else {
            throw error(c < 0 ? Reason.UNEXPECTED_END : Reason.BAD_NUMBER, "a digit must follow '-'");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error(Reason.BAD_NUMBER, "a digit must follow '.'");
            }
            digits();
        }
        c = peek();
        if (c == 'e' || c == 'E') {
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error(Reason.BAD_NUMBER, "a digit must follow the exponent");
            }
            digits();
        }
        int len = pos - start;
        if (len > limits.maxNumberLength()) {
            throw new JsonException(Reason.BAD_NUMBER, start, "number longer than " + limits.maxNumberLength()
                    + " characters");
        }
        return new JsonNumber(new String(in, start, len, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private void digits() {
        while (pos < end && isDigit(in[pos])) {
            pos++;
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        int max = limits.maxStringLength();
        while (true) {
            if (pos >= end) {
                throw error(Reason.UNEXPECTED_END, "unterminated string");
            }
            int b = in[pos] & 0xff;
            if (b == '"') {
                pos++;
                return sb.toString();
            }
            if (sb.length() >= max) {
                throw error(Reason.STRING_TOO_LONG, "string longer than " + max + " characters");
            }
            if (b == '\\') {
                escape(sb);
            } else if (b < 0x20) {
                throw error(Reason.BAD_STRING, "raw control character " + describe((byte) b) + " in a string");
            } else if (b < 0x80) {
                sb.append((char) b);
                pos++;
            } else {
                utf8(sb, b);
            }
        }
    }

    private void escape(StringBuilder sb) {
        pos++; // backslash
        if (pos >= end) {
            throw error(Reason.UNEXPECTED_END, "truncated escape");
        }
        byte e = in[pos++];
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char c = hex4();
                if (Character.isHighSurrogate(c)) {
                    if (pos + 1 < end && in[pos] == '\\' && in[pos + 1] == 'u') {
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error(Reason.BAD_ENCODING, "high surrogate not followed by a low surrogate");
                        }
                        sb.append(c).append(low);
                    } else {
                        throw error(Reason.BAD_ENCODING, "lone high surrogate");
                    }
                } else if (Character.isLowSurrogate(c)) {
                    throw error(Reason.BAD_ENCODING, "lone low surrogate");
                } else {
                    sb.append(c);
                }
            }
            default -> {
                pos--;
                throw error(Reason.BAD_STRING, "bad escape \\" + describe(e));
            }
        }
    }

    private char hex4() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            if (pos >= end) {
                throw error(Reason.UNEXPECTED_END, "truncated \\u escape");
            }
            int d = Character.digit(in[pos] & 0xff, 16);
            if (d < 0 || (in[pos] & 0xff) >= 0x80) {
                throw error(Reason.BAD_STRING, "bad hex digit in \\u escape");
            }
            v = v << 4 | d;
            pos++;
        }
        return (char) v;
    }

    /** Decodes one multi-byte UTF-8 sequence starting with lead byte {@code b}, rejecting every ill-formed form. */
    private void utf8(StringBuilder sb, int b) {
        int start = pos;
        int need;
        int cp;
        int min;
        if (b >= 0xc2 && b <= 0xdf) {
            need = 1;
            cp = b & 0x1f;
            min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            cp = b & 0x0f;
            min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            cp = b & 0x07;
            min = 0x10000;
        } else {
            throw error(Reason.BAD_ENCODING, "invalid UTF-8 lead byte " + describe((byte) b));
        }
        pos++;
        for (int i = 0; i < need; i++) {
            if (pos >= end) {
                throw error(Reason.UNEXPECTED_END, "truncated UTF-8 sequence");
            }
            int c = in[pos] & 0xff;
            if ((c & 0xc0) != 0x80) {
                throw error(Reason.BAD_ENCODING, "invalid UTF-8 continuation byte " + describe((byte) c));
            }
            cp = cp << 6 | (c & 0x3f);
            pos++;
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            throw new JsonException(Reason.BAD_ENCODING, start, "ill-formed UTF-8 (overlong, surrogate or beyond U+10FFFF)");
        }
        sb.appendCodePoint(cp);
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private int peek() {
        return pos < end ? in[pos] & 0xff : -1;
    }

    private void expect(char c) {
        int p = peek();
        if (p != c) {
            throw error(p < 0 ? Reason.UNEXPECTED_END : Reason.UNEXPECTED_CHARACTER, "expected '" + c + "'");
        }
        pos++;
    }

    private JsonException error(Reason reason, String message) {
        return new JsonException(reason, pos, message);
    }

    private static String describe(byte b) {
        int v = b & 0xff;
        return v >= 0x21 && v < 0x7f ? "'" + (char) v + "'" : String.format("byte 0x%02x", v);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
