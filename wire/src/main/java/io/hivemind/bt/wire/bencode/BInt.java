package io.hivemind.bt.wire.bencode;

/** A bencoded integer. Values outside {@code long} are rejected by the decoder. */
public record BInt(long value) implements BValue {

    public static BInt of(long value) {
        return new BInt(value);
    }

    /** The value as an {@code int}, or the exception with {@code reason} if it does not fit. */
    public int intValueExact() {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new ArithmeticException("integer " + value + " does not fit in an int");
        }
        return (int) value;
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
