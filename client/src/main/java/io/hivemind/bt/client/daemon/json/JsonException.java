package io.hivemind.bt.client.daemon.json;

/**
 * Malformed or over-limit JSON, or a value of the wrong type, with a typed {@link Reason} and the byte offset where
 * reading stopped ({@code -1} when the error is about an already-parsed value).
 */
public final class JsonException extends RuntimeException {

    /** Why JSON was rejected. */
    public enum Reason {
        /** The input ended inside a value. */
        UNEXPECTED_END,
        /** A byte that cannot start or continue a value here. */
        UNEXPECTED_CHARACTER,
        /** Text after the top-level value. */
        TRAILING_DATA,
        /** Bytes that are not UTF-8, or a lone surrogate in an escape. */
        BAD_ENCODING,
        /** A bad escape sequence or a raw control character in a string. */
        BAD_STRING,
        /** A malformed number, one longer than the limit, or one out of range for the requested type. */
        BAD_NUMBER,
        /** Nesting deeper than the limit. */
        TOO_DEEP,
        /** More values than the limit. */
        TOO_MANY_VALUES,
        /** A string longer than the limit. */
        STRING_TOO_LONG,
        /** Input larger than the limit. */
        TOO_LARGE,
        /** An object with the same key twice (ambiguous: parsers disagree which one wins). */
        DUPLICATE_KEY,
        /** A member of the wrong type. */
        WRONG_TYPE
    }

    private final Reason reason;
    private final long offset;

    public JsonException(Reason reason, long offset, String message) {
        super(offset >= 0 ? message + " (at byte " + offset + ")" : message);
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    /** Byte offset where reading stopped, or -1. */
    public long offset() {
        return offset;
    }
}
