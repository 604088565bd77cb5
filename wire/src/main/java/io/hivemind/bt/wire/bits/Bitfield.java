package io.hivemind.bt.wire.bits;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A fixed-size set of piece indices backed by a {@code long[]}, with the BEP 3 wire form (bit 0 of piece 0 is
 * the high bit of the first byte).
 *
 * <p>Implementation note: words hold 64 pieces each, little-endian within the word ({@code words[i >>> 6]} bit
 * {@code i & 63}), so scans use {@link Long#numberOfTrailingZeros} and counts use {@link Long#bitCount}; the
 * cardinality is kept up to date on every change so {@link #count()} is O(1). Conversions to and from the
 * wire form reverse the bit order per byte. Spare bits past {@link #size()} are always zero.
 *
 * <p>Not thread-safe: a bitfield belongs to one owner (a torrent's event loop); hand out {@link #copy()}s.
 */
public final class Bitfield {
    private static final VarHandle LONG_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int size;
    private final long[] words;
    private int count;

    public Bitfield(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        this.size = size;
        this.words = new long[(size + 63) >>> 6];
    }

    private Bitfield(int size, long[] words, int count) {
        this.size = size;
        this.words = words;
        this.count = count;
    }

    /** A bitfield with every piece set. */
    public static Bitfield full(int size) {
        Bitfield b = new Bitfield(size);
        b.setAll();
        return b;
    }

    /** Why a wire bitfield was refused. */
    public enum Problem { WRONG_LENGTH, SPARE_BITS_SET }

    /** Thrown by {@link #fromWire} for a bitfield of the wrong length or with spare bits set (BEP 3). */
    public static final class InvalidBitfieldException extends RuntimeException {
        private final Problem problem;

        InvalidBitfieldException(Problem problem, String message) {
            super(message);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    /** Number of bytes of the wire form for {@code size} pieces. */
    public static int wireLength(int size) {
        return (size + 7) >>> 3;
    }

    /**
     * Parses the wire form. BEP 3: "Spare bits at the end are set to zero. Clients should drop the connection
     * if they receive bitfields that are not of the correct size, or if the bitfield has any of the spare bits set."
     */
    public static Bitfield fromWire(byte[] bytes, int offset, int length, int size) {
        if (length != wireLength(size)) {
            throw new InvalidBitfieldException(Problem.WRONG_LENGTH,
                    "bitfield of " + length + " bytes for " + size + " pieces (expected " + wireLength(size) + ")");
        }
        if ((size & 7) != 0 && length > 0) {
            int spareMask = 0xff >>> (size & 7);
            if ((bytes[offset + length - 1] & spareMask) != 0) {
                throw new InvalidBitfieldException(Problem.SPARE_BITS_SET, "bitfield has spare bits set");
            }
        }
        Bitfield b = new Bitfield(size);
        int whole = length >>> 3;
        for (int w = 0; w < whole; w++) {
            b.words[w] = Long.reverse((long) LONG_BIG_ENDIAN.get(bytes, offset + (w << 3)));
        }
        for (int i = whole << 3; i < length; i++) {
            int v = bytes[offset + i] & 0xff;
            long rev = Integer.reverse(v) >>> 24; // MSB-first byte -> LSB-first
            b.words[i >>> 3] |= rev << ((i & 7) << 3);
        }
        b.recount();
        return b;
    }

    public static Bitfield fromWire(byte[] bytes, int size) {
        return fromWire(bytes, 0, bytes.length, size);
    }

    /** The BEP 3 wire form. */
    public byte[] toWire() {
        byte[] out = new byte[wireLength(size)];
        int whole = out.length >>> 3;
        for (int w = 0; w < whole; w++) {
            LONG_BIG_ENDIAN.set(out, w << 3, Long.reverse(words[w]));
        }
        for (int i = whole << 3; i < out.length; i++) {
            int v = (int) (words[i >>> 3] >>> ((i & 7) << 3)) & 0xff;
            out[i] = (byte) (Integer.reverse(v) >>> 24);
        }
        return out;
    }

    public int size() {
        return size;
    }

    /** Number of pieces set; O(1). */
    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public boolean isFull() {
        return count == size;
    }

    public boolean get(int index) {
        checkIndex(index);
        return (words[index >>> 6] & (1L << index)) != 0;
    }

    /** Sets {@code index}; returns true if it was not set before. */
    public boolean set(int index) {
        checkIndex(index);
        long mask = 1L << index;
        int w = index >>> 6;
        if ((words[w] & mask) != 0) {
            return false;
        }
        words[w] |= mask;
        count++;
        return true;
    }

    /** Clears {@code index}; returns true if it was set before. */
    public boolean clear(int index) {
        checkIndex(index);
        long mask = 1L << index;
        int w = index >>> 6;
        if ((words[w] & mask) == 0) {
            return false;
        }
        words[w] &= ~mask;
        count--;
        return true;
    }

    public void setAll() {
        Arrays.fill(words, -1L);
        trimSpare();
        count = size;
    }

    public void clearAll() {
        Arrays.fill(words, 0L);
        count = 0;
    }

    /** Index of the first set bit at or after {@code from}, or -1. */
    public int nextSet(int from) {
        if (from >= size) {
            return -1;
        }
        int w = from >>> 6;
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                int i = (w << 6) + Long.numberOfTrailingZeros(word);
                return i < size ? i : -1;
            }
            if (++w == words.length) {
                return -1;
            }
            word = words[w];
        }
    }

    /** Index of the first clear bit at or after {@code from}, or -1. */
    public int nextClear(int from) {
        if (from >= size) {
            return -1;
        }
        int w = from >>> 6;
        long word = ~words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                int i = (w << 6) + Long.numberOfTrailingZeros(word);
                return i < size ? i : -1;
            }
            if (++w == words.length) {
                return -1;
            }
            word = ~words[w];
        }
    }

    /** True if {@code other} has a piece this one lacks (we would be interested in it). */
    public boolean lacksAnyOf(Bitfield other) {
        checkSameSize(other);
        for (int i = 0; i < words.length; i++) {
            if ((other.words[i] & ~words[i]) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Number of pieces set in both. */
    public int countAnd(Bitfield other) {
        checkSameSize(other);
        int n = 0;
        for (int i = 0; i < words.length; i++) {
            n += Long.bitCount(words[i] & other.words[i]);
        }
        return n;
    }

    /** Number of pieces set in {@code other} but not in this one. */
    public int countAndNot(Bitfield other) {
        checkSameSize(other);
        int n = 0;
        for (int i = 0; i < words.length; i++) {
            n += Long.bitCount(other.words[i] & ~words[i]);
        }
        return n;
    }

    /** this |= other. */
    public void or(Bitfield other) {
        checkSameSize(other);
        for (int i = 0; i < words.length; i++) {
            words[i] |= other.words[i];
        }
        recount();
    }

    /** this &= ~other. */
    public void andNot(Bitfield other) {
        checkSameSize(other);
        for (int i = 0; i < words.length; i++) {
            words[i] &= ~other.words[i];
        }
        recount();
    }

    /** this &= other. */
    public void and(Bitfield other) {
        checkSameSize(other);
        for (int i = 0; i < words.length; i++) {
            words[i] &= other.words[i];
        }
        recount();
    }

    public Bitfield copy() {
        return new Bitfield(size, words.clone(), count);
    }

    /** The 64 pieces starting at {@code 64 * wordIndex}, bit {@code i} for piece {@code 64 * wordIndex + i}. */
    public long word(int wordIndex) {
        return words[wordIndex];
    }

    public int wordCount() {
        return words.length;
    }

    private void recount() {
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        count = n;
    }

    private void trimSpare() {
        if ((size & 63) != 0) {
            words[words.length - 1] &= (1L << size) - 1; // shift by size mod 64
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("piece " + index + " of " + size);
        }
    }

    private void checkSameSize(Bitfield other) {
        if (other.size != size) {
            throw new IllegalArgumentException("bitfields of " + size + " and " + other.size + " pieces");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bitfield b && b.size == size && Arrays.equals(words, b.words);
    }

    @Override
    public int hashCode() {
        return 31 * size + Arrays.hashCode(words);
    }

    /** One character per piece: 'x' set, '.' clear (for tests and debugging). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            sb.append(get(i) ? 'x' : '.');
        }
        return sb.toString();
    }
}
