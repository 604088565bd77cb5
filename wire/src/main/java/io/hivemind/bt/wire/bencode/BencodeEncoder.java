package io.hivemind.bt.wire.bencode;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * Canonical bencoding: dictionary keys in raw byte order, integers without leading zeros.
 * Stateless and thread-safe.
 */
public final class BencodeEncoder {
    private BencodeEncoder() {
    }

    public static byte[] encode(BValue value) {
        Out out = new Out(encodedLength(value));
        write(value, out);
        return out.buf;
    }

    /** Writes the canonical bencoding of {@code value} to {@code dst}; the caller keeps ownership of {@code dst}. */
    public static void encode(BValue value, ByteBuf dst) {
        dst.writeBytes(encode(value));
    }

    /** Writes the canonical bencoding of {@code value} to {@code out}. */
    public static void encode(BValue value, ByteArrayOutputStream out) {
        out.writeBytes(encode(value));
    }

    /** Exact length of the canonical encoding. */
    public static int encodedLength(BValue value) {
        long n = length(value);
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("value too large to encode: " + n + " bytes");
        }
        return (int) n;
    }

    private static long length(BValue value) {
        return switch (value) {
            case BInt i -> 2 + digits(i.value());
            case BBytes b -> digits(b.length()) + 1 + b.length();
            case BList l -> {
                long n = 2;
                for (BValue v : l.values()) {
                    n += length(v);
                }
                yield n;
            }
            case BDict d -> {
                long n = 2;
                for (Map.Entry<BBytes, BValue> e : d.entries().entrySet()) {
                    n += length(e.getKey()) + length(e.getValue());
                }
                yield n;
            }
        };
    }

    private static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        long a = Math.abs(v);
        while (a >= 10) {
            a /= 10;
            n++;
        }
        return n;
    }

    private static void write(BValue value, Out out) {
        switch (value) {
            case BInt i -> {
                out.put('i');
                out.putLong(i.value());
                out.put('e');
            }
            case BBytes b -> {
                out.putLong(b.length());
                out.put(':');
                out.put(b.array());
            }
            case BList l -> {
                out.put('l');
                for (BValue v : l.values()) {
                    write(v, out);
                }
                out.put('e');
            }
            case BDict d -> {
                out.put('d');
                for (Map.Entry<BBytes, BValue> e : d.entries().entrySet()) {
                    write(e.getKey(), out);
                    write(e.getValue(), out);
                }
                out.put('e');
            }
        }
    }

    private static final class Out {
        final byte[] buf;
        int pos;

        Out(int size) {
            buf = new byte[size];
        }

        void put(char c) {
            buf[pos++] = (byte) c;
        }

        void put(byte[] b) {
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void putLong(long v) {
            byte[] s = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            put(s);
        }
    }
}
