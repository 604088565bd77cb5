package io.hivemind.bt.wire.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A bencoded byte string. Compared and ordered by its raw bytes (unsigned lexicographic), which is the
 * order BEP 3 requires for dictionary keys. The array is never exposed: {@link #bytes()} returns a copy.
 */
public final class BBytes implements BValue, Comparable<BBytes> {
    private static final BBytes EMPTY = new BBytes(new byte[0]);

    private final byte[] bytes;
    private int hash;

    private BBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of {@code bytes}. */
    public static BBytes of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new BBytes(bytes.clone());
    }

    /** Wraps a copy of {@code bytes[from, to)}. */
    public static BBytes of(byte[] bytes, int from, int to) {
        return from == to ? EMPTY : new BBytes(Arrays.copyOfRange(bytes, from, to));
    }

    /** The UTF-8 bytes of {@code text}. */
    public static BBytes of(String text) {
        return text.isEmpty() ? EMPTY : new BBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Takes ownership of {@code bytes} without copying; the caller must not modify it afterwards. */
    static BBytes wrap(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new BBytes(bytes);
    }

    public int length() {
        return bytes.length;
    }

    public byte byteAt(int index) {
        return bytes[index];
    }

    /** A copy of the raw bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    /** Decodes the bytes as UTF-8 (malformed sequences become U+FFFD). */
    public String asString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** True if the bytes equal the UTF-8 encoding of {@code text}. */
    public boolean contentEquals(String text) {
        return Arrays.equals(bytes, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Package-private access to the backing array for the encoder; never mutated. */
    byte[] array() {
        return bytes;
    }

    @Override
    public int compareTo(BBytes o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BBytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(bytes);
            hash = h;
        }
        return h;
    }

    /** Printable text as is; anything else as hex. */
    @Override
    public String toString() {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return '"' + new String(bytes, StandardCharsets.US_ASCII) + '"';
    }
}
