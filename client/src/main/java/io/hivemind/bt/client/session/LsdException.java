package io.hivemind.bt.client.session;

/**
 * A BEP 14 announce that cannot be used: not a {@code BT-SEARCH}, too long, or missing what a peer needs. Thrown by
 * {@link LsdMessage#parse}; carries the {@link Reason} and the byte offset where parsing stopped. Such packets are
 * dropped and counted, never answered.
 */
final class LsdException extends RuntimeException {
    /** Why a packet was refused. */
    enum Reason {
        /** Longer than {@link LsdMessage#MAX_PACKET} bytes. */
        TOO_LONG,
        /** The request line is not {@code BT-SEARCH …}. */
        NOT_BT_SEARCH,
        /** A header line without a colon. */
        BAD_HEADER,
        /** More than {@link LsdMessage#MAX_HEADERS} header lines. */
        TOO_MANY_HEADERS,
        /** No {@code Port} header. */
        MISSING_PORT,
        /** A {@code Port} that is not a decimal number in 1…65535. */
        BAD_PORT,
        /** No usable {@code Infohash} header (40 hex digits, not all zero). */
        NO_INFO_HASH,
        /** More than {@link LsdMessage#MAX_INFO_HASHES} {@code Infohash} headers. */
        TOO_MANY_INFO_HASHES
    }

    private final Reason reason;
    private final int offset;

    LsdException(Reason reason, int offset, String message) {
        super(message + " (at byte " + offset + ")");
        this.reason = reason;
        this.offset = offset;
    }

    Reason reason() {
        return reason;
    }

    int offset() {
        return offset;
    }
}
