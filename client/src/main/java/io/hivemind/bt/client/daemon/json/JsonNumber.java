package io.hivemind.bt.client.daemon.json;

import java.math.BigDecimal;

/**
 * A JSON number, kept as its literal text so that nothing is lost between reading and interpreting it. The typed
 * accessors check range and integrality and throw {@link JsonException} with {@link JsonException.Reason#BAD_NUMBER}
 * instead of silently truncating.
 */
public record JsonNumber(String literal) implements JsonValue {

    public JsonNumber {
        if (literal == null || literal.isEmpty()) {
            throw new IllegalArgumentException("empty number literal");
        }
    }

    public static JsonNumber of(long n) {
        return new JsonNumber(Long.toString(n));
    }

    /** A finite double; NaN and infinities have no JSON form. */
    public static JsonNumber of(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return new JsonNumber(Long.toString((long) d));
        }
        return new JsonNumber(Double.toString(d));
    }

    /** The value as a long; fails if it has a fraction or does not fit. */
    public long longValue() {
        if (isPlainInteger()) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException e) {
                throw new JsonException(JsonException.Reason.BAD_NUMBER, -1, "integer out of range: " + shortLiteral());
            }
        }
        try {
            return new BigDecimal(literal).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new JsonException(JsonException.Reason.BAD_NUMBER, -1, "not an integer in range: " + shortLiteral());
        }
    }

    /** The value as an int; fails if it has a fraction or does not fit. */
    public int intValue() {
        long v = longValue();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new JsonException(JsonException.Reason.BAD_NUMBER, -1, "integer out of range: " + shortLiteral());
        }
        return (int) v;
    }

    /** The value as a finite double. */
    public double doubleValue() {
        double d = Double.parseDouble(literal);
        if (!Double.isFinite(d)) {
            throw new JsonException(JsonException.Reason.BAD_NUMBER, -1, "number out of range: " + shortLiteral());
        }
        return d;
    }

    private boolean isPlainInteger() {
        for (int i = literal.charAt(0) == '-' ? 1 : 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private String shortLiteral() {
        return literal.length() > 40 ? literal.substring(0, 40) + "…" : literal;
    }

    @Override
    public String typeName() {
        return "number";
    }

    @Override
    public String toString() {
        return literal;
    }
}
