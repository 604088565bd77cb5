package io.hivemind.bt.client.daemon.http;

/** A malformed or over-limit {@code multipart/form-data} body, with a typed {@link Reason} and byte offset. */
public final class MultipartException extends RuntimeException {

    /** Why an upload body was rejected. */
    public enum Reason {
        /** No usable boundary parameter in the Content-Type. */
        BAD_BOUNDARY,
        /** Something other than CRLF or "--" after a boundary, or a malformed part header. */
        MALFORMED,
        /** The body ended before the closing boundary. */
        TRUNCATED,
        /** A part's header block is larger than the limit. */
        HEADERS_TOO_LARGE,
        /** More parts than the limit. */
        TOO_MANY_PARTS,
        /** Preamble or epilogue larger than the limit. */
        TOO_MUCH_FILLER,
        /** A form field or file larger than its limit, or the whole upload larger than allowed. */
        TOO_LARGE
    }

    private final Reason reason;
    private final long offset;

    public MultipartException(Reason reason, long offset, String message) {
        super(offset >= 0 ? message + " (at byte " + offset + ")" : message);
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    public long offset() {
        return offset;
    }
}
