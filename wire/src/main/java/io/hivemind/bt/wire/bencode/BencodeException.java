package io.hivemind.bt.wire.bencode;

/**
 * Bad bencoded input, with the byte offset where decoding stopped and a typed {@link Reason}.
 * Unchecked: parsers on the wire path never throw checked exceptions.
 */
public final class BencodeException extends RuntimeException {

    /** Why the input was rejected. */
    public enum Reason {
        /** The input ended inside a value. */
        UNEXPECTED_END,
        /** A byte that cannot start or continue a value here. */
        UNEXPECTED_BYTE,
        /** An integer or string length with a leading zero ({@code i03e}, {@code 03:abc}). */
        LEADING_ZERO,
        /** {@code i-0e}. */
        NEGATIVE_ZERO,
        /** An integer with no digits ({@code ie}, {@code i-e}). */
        EMPTY_INTEGER,
        /** An integer that does not fit in 64 bits. */
        INTEGER_OVERFLOW,
        /** Dictionary keys out of order (strict mode). */
        UNSORTED_KEYS,
        /** The same dictionary key twice (strict mode). */
        DUPLICATE_KEY,
        /** A dictionary key that is not a byte string. */
        NON_STRING_KEY,
        /** Bytes after the end of the top-level value. */
        TRAILING_BYTES,
        /** Nesting deeper than {@link BencodeLimits#maxDepth()}. */
        DEPTH_LIMIT,
        /** More values than {@link BencodeLimits#maxTokens()}. */
        TOKEN_LIMIT,
        /** A string longer than {@link BencodeLimits#maxStringLength()}. */
        STRING_LIMIT,
        /** Input larger than {@link BencodeLimits#maxSize()}. */
        SIZE_LIMIT,
        /** A value of another type than the caller expected. */
        WRONG_TYPE
    }

    private final Reason reason;
    private final long offset;

    public BencodeException(Reason reason, long offset, String message) {
        super(message + (offset >= 0 ? " (at byte " + offset + ")" : ""));
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    /** Byte offset in the input where the problem was found, or -1 when not tied to an offset. */
    public long offset() {
        return offset;
    }
}
