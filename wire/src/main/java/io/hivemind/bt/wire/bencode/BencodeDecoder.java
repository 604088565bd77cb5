package io.hivemind.bt.wire.bencode;

import io.hivemind.bt.wire.bencode.BencodeException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.TreeMap;

/**
 * Decodes bencoded input (BEP 3) under hard {@link BencodeLimits}.
 *
 * <p>Implementation note: a recursive-descent parser over a byte array whose recursion is bounded by
 * {@link BencodeLimits#maxDepth()} (checked before each descent, so nesting bombs end with
 * {@link Reason#DEPTH_LIMIT}, never a {@code StackOverflowError}). Every value counts against
 * {@link BencodeLimits#maxTokens()}, and string lengths are checked against the limit and the remaining input
 * before anything is allocated, so memory use is bounded by the input size. Stateless and thread-safe.
 */
public final class BencodeDecoder {
    private BencodeDecoder() {
    }

    /** Decodes exactly one value filling all of {@code input}, with {@link BencodeLimits#DEFAULT}. */
    public static BValue decode(byte[] input) {
        return decode(input, BencodeLimits.DEFAULT);
    }

    /** Decodes exactly one value filling all of {@code input}. */
    public static BValue decode(byte[] input, BencodeLimits limits) {
        return decode(input, 0, input.length, limits);
    }

    /** Decodes exactly one value filling {@code input[offset, offset+length)}; source spans are relative to the array. */
    public static BValue decode(byte[] input, int offset, int length, BencodeLimits limits) {
        Prefix p = decodePrefix(input, offset, length, limits);
        if (p.end() != offset + length) {
            throw new BencodeException(Reason.TRAILING_BYTES, p.end(),
                    (offset + length - p.end()) + " bytes after the end of the value");
        }
        return p.value();
    }

    /**
     * Decodes exactly one value from the readable bytes of {@code buf} without changing its indices.
     * The caller keeps ownership of {@code buf}. Source spans are relative to {@code buf.readerIndex()}.
     */
    public static BValue decode(ByteBuf buf, BencodeLimits limits) {
        checkSize(buf.readableBytes(), limits);
        byte[] bytes = ByteBufUtil.getBytes(buf);
        return decode(bytes, limits);
    }

    /** A value decoded from the start of an input and the offset just past it. */
    public record Prefix(BValue value, int end) {
    }

    /**
     * Decodes one value starting at {@code offset} and stops after it; bytes after the value are left alone
     * (as in a BEP 9 {@code data} message, where the piece follows the dictionary).
     */
    public static Prefix decodePrefix(byte[] input, int offset, int length, BencodeLimits limits) {
        if (offset < 0 || length < 0 || offset + length > input.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " array " + input.length);
        }
        checkSize(length, limits);
        Parser p = new Parser(input, offset, offset + length, limits);
        BValue v = p.value(0);
        return new Prefix(v, p.pos);
    }

    private static void checkSize(int length, BencodeLimits limits) {
        if (length > limits.maxSize()) {
            throw new BencodeException(Reason.SIZE_LIMIT, 0,
                    "input of " + length + " bytes exceeds the limit of " + limits.maxSize());
        }
    }

    private static final class Parser {
        final byte[] in;
        final int end;
        final BencodeLimits limits;
        int pos;
        int tokens;

        Parser(byte[] in, int start, int end, BencodeLimits limits) {
            this.in = in;
            this.pos = start;
            this.end = end;
            this.limits = limits;
        }

        BValue value(int depth) {
            if (pos >= end) {
                throw new BencodeException(Reason.UNEXPECTED_END, pos, "input ended where a value was expected");
            }
            if (++tokens > limits.maxTokens()) {
                throw new BencodeException(Reason.TOKEN_LIMIT, pos, "more than " + limits.maxTokens() + " values");
            }
            byte b = in[pos];
            return switch (b) {
                case 'i' -> integer();
                case 'l' -> list(depth + 1);
                case 'd' -> dict(depth + 1);
                default -> {
                    if (b >= '0' && b <= '9') {
                        yield string();
                    }
                    throw new BencodeException(Reason.UNEXPECTED_BYTE, pos, "unexpected byte " + printable(b));
                }
            };
        }

        private BInt integer() {
            pos++; // 'i'
            int start = pos;
            boolean negative = false;
            if (pos < end && in[pos] == '-') {
                negative = true;
                pos++;
            }
            int digitsStart = pos;
            long acc = 0; // accumulated negatively so Long.MIN_VALUE fits
            while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
                int d = in[pos] - '0';
                if (acc < (Long.MIN_VALUE + d) / 10) {
                    throw new BencodeException(Reason.INTEGER_OVERFLOW, start, "integer does not fit in 64 bits");
                }
                acc = acc * 10 - d;
                pos++;
            }
            if (pos >= end) {
                throw new BencodeException(Reason.UNEXPECTED_END, pos, "input ended inside an integer");
            }
            if (in[pos] != 'e') {
                throw new BencodeException(Reason.UNEXPECTED_BYTE, pos, "unexpected byte " + printable(in[pos]) + " in an integer");
            }
            int digits = pos - digitsStart;
            if (digits == 0) {
                throw new BencodeException(Reason.EMPTY_INTEGER, start, "integer without digits");
            }
            if (in[digitsStart] == '0' && digits > 1) {
                throw new BencodeException(Reason.LEADING_ZERO, digitsStart, "integer with a leading zero");
            }
            if (negative && acc == 0) {
                throw new BencodeException(Reason.NEGATIVE_ZERO, start, "negative zero");
            }
            pos++; // 'e'
            if (!negative) {
                if (acc == Long.MIN_VALUE) {
                    throw new BencodeException(Reason.INTEGER_OVERFLOW, start, "integer does not fit in 64 bits");
                }
                return new BInt(-acc);
            }
            return new BInt(acc);
        }

        private BBytes string() {
            int start = pos;
            long len = 0;
            while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
                len = len * 10 + (in[pos] - '0');
                if (len > limits.maxStringLength()) {
                    throw new BencodeException(Reason.STRING_LIMIT, start,
                            "string longer than the limit of " + limits.maxStringLength() + " bytes");
                }
                pos++;
            }
            if (pos >= end) {
                throw new BencodeException(Reason.UNEXPECTED_END, pos, "input ended inside a string length");
            }
            if (in[pos] != ':') {
                throw new BencodeException(Reason.UNEXPECTED_BYTE, pos, "unexpected byte " + printable(in[pos]) + " in a string length");
            }
            if (in[start] == '0' && pos - start > 1) {
                throw new BencodeException(Reason.LEADING_ZERO, start, "string length with a leading zero");
            }
            pos++; // ':'
            if (len > end - pos) {
                throw new BencodeException(Reason.UNEXPECTED_END, pos,
                        "string of " + len + " bytes but only " + (end - pos) + " left");
            }
            int from = pos;
            pos += (int) len;
            return BBytes.of(in, from, pos);
        }

        private BList list(int depth) {
            checkDepth(depth);
            pos++; // 'l'
            ArrayList<BValue> values = new ArrayList<>();
            while (true) {
                if (pos >= end) {
                    throw new BencodeException(Reason.UNEXPECTED_END, pos, "input ended inside a list");
                }
                if (in[pos] == 'e') {
                    pos++;
                    return new BList(values);
                }
                values.add(value(depth));
            }
        }

        private BDict dict(int depth) {
            checkDepth(depth);
            int start = pos;
            pos++; // 'd'
            TreeMap<BBytes, BValue> entries = new TreeMap<>();
            BBytes previous = null;
            while (true) {
                if (pos >= end) {
                    throw new BencodeException(Reason.UNEXPECTED_END, pos, "input ended inside a dictionary");
                }
                if (in[pos] == 'e') {
                    pos++;
                    return BDict.decoded(entries, start, pos);
                }
                int keyPos = pos;
                byte b = in[pos];
                if (b < '0' || b > '9') {
                    if (b == 'i' || b == 'l' || b == 'd') {
                        throw new BencodeException(Reason.NON_STRING_KEY, pos, "dictionary key is not a string");
                    }
                    throw new BencodeException(Reason.UNEXPECTED_BYTE, pos, "unexpected byte " + printable(b) + " in a dictionary");
                }
                if (++tokens > limits.maxTokens()) {
                    throw new BencodeException(Reason.TOKEN_LIMIT, pos, "more than " + limits.maxTokens() + " values");
                }
                BBytes key = string();
                if (previous != null) {
                    int c = previous.compareTo(key);
                    if (c == 0 && limits.strict()) {
                        throw new BencodeException(Reason.DUPLICATE_KEY, keyPos, "duplicate key " + key);
                    }
                    if (c > 0 && limits.strict()) {
                        throw new BencodeException(Reason.UNSORTED_KEYS, keyPos, "key " + key + " out of order");
                    }
                }
                previous = key;
                BValue v = value(depth);
                entries.putIfAbsent(key, v); // lenient mode keeps the first of duplicate keys
            }
        }

        private void checkDepth(int depth) {
            if (depth > limits.maxDepth()) {
                throw new BencodeException(Reason.DEPTH_LIMIT, pos, "nesting deeper than " + limits.maxDepth());
            }
        }

        private static String printable(byte b) {
            return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b & 0xff);
        }
    }
}
