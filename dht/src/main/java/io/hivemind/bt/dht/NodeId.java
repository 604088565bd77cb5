package io.hivemind.bt.dht;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A 160-bit DHT key (BEP 5): a node id, an info-hash or a BEP 44 item target. Distances are XOR metrics
 * compared as unsigned 160-bit integers.
 *
 * <p>Implementation note: the bits live in three primitive fields (64 + 64 + 32) rather than a byte array, so
 * XOR distance, comparison and common-prefix length are a few machine instructions and no allocation.
 * Immutable and thread-safe.
 */
public final class NodeId implements Comparable<NodeId> {
    /** Length of an id on the wire. */
    public static final int LENGTH = 20;
    /** Number of bits in an id. */
    public static final int BITS = 160;

    private final long hi;
    private final long mid;
    private final int lo;

    private NodeId(long hi, long mid, int lo) {
        this.hi = hi;
        this.mid = mid;
        this.lo = lo;
    }

    /** The id whose big-endian bytes are {@code bytes} (exactly 20). */
    public static NodeId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a node id is 20 bytes, got " + bytes.length);
        }
        return of(bytes, 0);
    }

    /** The id at {@code bytes[offset, offset+20)}. */
    public static NodeId of(byte[] bytes, int offset) {
        if (offset < 0 || offset + LENGTH > bytes.length) {
            throw new IllegalArgumentException("20 bytes needed at offset " + offset + " of " + bytes.length);
        }
        return new NodeId(readLong(bytes, offset), readLong(bytes, offset + 8), (int) readInt(bytes, offset + 16));
    }

    /** Parses 40 hex digits. */
    public static NodeId ofHex(String hex) {
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a node id is 40 hex digits, got " + hex.length());
        }
        return of(HexFormat.of().parseHex(hex));
    }

    /** A uniformly random id. */
    public static NodeId random(RandomGenerator random) {
        return new NodeId(random.nextLong(), random.nextLong(), random.nextInt());
    }

    /** SHA-1 of {@code data}: the key of a BEP 44 immutable item, or of a mutable one over {@code k + salt}. */
    public static NodeId sha1(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            for (byte[] p : parts) {
                md.update(p);
            }
            return of(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JDK", e);
        }
    }

    /** The big-endian bytes (a new array). */
    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        writeTo(b, 0);
        return b;
    }

    /** Writes the 20 big-endian bytes at {@code offset}. */
    public void writeTo(byte[] dst, int offset) {
        writeLong(dst, offset, hi);
        writeLong(dst, offset + 8, mid);
        for (int i = 0; i < 4; i++) {
            dst[offset + 16 + i] = (byte) (lo >>> (24 - 8 * i));
        }
    }

    /** The XOR distance to {@code other}, itself a 160-bit value. */
    public NodeId xor(NodeId other) {
        return new NodeId(hi ^ other.hi, mid ^ other.mid, lo ^ other.lo);
    }

    /**
     * Compares the distances {@code this ^ a} and {@code this ^ b} without allocating: negative when {@code a} is
     * closer to this id, positive when {@code b} is, zero when they are the same id.
     */
    public int compareDistance(NodeId a, NodeId b) {
        int c = Long.compareUnsigned(hi ^ a.hi, hi ^ b.hi);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(mid ^ a.mid, mid ^ b.mid);
        if (c != 0) {
            return c;
        }
        return Integer.compareUnsigned(lo ^ a.lo, lo ^ b.lo);
    }

    /** Number of leading bits this id shares with {@code other} (160 when equal). */
    public int commonPrefixLength(NodeId other) {
        long x = hi ^ other.hi;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        x = mid ^ other.mid;
        if (x != 0) {
            return 64 + Long.numberOfLeadingZeros(x);
        }
        int y = lo ^ other.lo;
        return y != 0 ? 128 + Integer.numberOfLeadingZeros(y) : BITS;
    }

    /** Bit {@code index} counted from the most significant (0) to the least (159). */
    public boolean bit(int index) {
        if (index < 0 || index >= BITS) {
            throw new IndexOutOfBoundsException(index);
        }
        if (index < 64) {
            return (hi >>> (63 - index) & 1) != 0;
        }
        if (index < 128) {
            return (mid >>> (127 - index) & 1) != 0;
        }
        return (lo >>> (159 - index) & 1) != 0;
    }

    /** This id with bit {@code index} flipped (used to pick a random id inside a bucket). */
    public NodeId flipBit(int index) {
        if (index < 64) {
            return new NodeId(hi ^ (1L << (63 - index)), mid, lo);
        }
        if (index < 128) {
            return new NodeId(hi, mid ^ (1L << (127 - index)), lo);
        }
        return new NodeId(hi, mid, lo ^ (1 << (159 - index)));
    }

    /**
     * A random id sharing exactly the first {@code prefixLength} bits with this id (and differing at the next bit
     * when {@code prefixLength < 160}): a target inside the routing-table bucket of that depth.
     */
    public NodeId randomWithPrefix(int prefixLength, RandomGenerator random) {
        if (prefixLength >= BITS) {
            return this;
        }
        NodeId r = random(random);
        byte[] mine = toBytes();
        byte[] out = r.toBytes();
        for (int i = 0; i < prefixLength; i++) {
            int byteIndex = i >>> 3;
            int mask = 0x80 >>> (i & 7);
            out[byteIndex] = (byte) ((out[byteIndex] & ~mask) | (mine[byteIndex] & mask));
        }
        int byteIndex = prefixLength >>> 3;
        int mask = 0x80 >>> (prefixLength & 7);
        out[byteIndex] = (byte) ((out[byteIndex] & ~mask) | (~mine[byteIndex] & mask));
        return of(out);
    }

    @Override
    public int compareTo(NodeId o) {
        int c = Long.compareUnsigned(hi, o.hi);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(mid, o.mid);
        return c != 0 ? c : Integer.compareUnsigned(lo, o.lo);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && n.hi == hi && n.mid == mid && n.lo == lo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi) * 31 + Long.hashCode(mid) * 17 + lo;
    }

    /** 40 lower-case hex digits. */
    public String toHex() {
        return HexFormat.of().formatHex(toBytes());
    }

    @Override
    public String toString() {
        return toHex();
    }

    /** True when {@code Arrays}-style bytes equal this id (convenience for tests and parsers). */
    public boolean sameBytes(byte[] bytes) {
        return bytes.length == LENGTH && Arrays.equals(bytes, toBytes());
    }

    private static long readLong(byte[] b, int o) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[o + i] & 0xff);
        }
        return v;
    }

    private static long readInt(byte[] b, int o) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | (b[o + i] & 0xff);
        }
        return v;
    }

    private static void writeLong(byte[] b, int o, long v) {
        for (int i = 0; i < 8; i++) {
            b[o + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
