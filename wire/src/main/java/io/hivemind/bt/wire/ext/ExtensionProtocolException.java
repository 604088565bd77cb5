package io.hivemind.bt.wire.ext;

import io.netty.handler.codec.DecoderException;

/**
 * A malformed BEP 10 extension payload (extension handshake, BEP 9 {@code ut_metadata}, BEP 11 {@code ut_pex}).
 * Unchecked and a {@link DecoderException}, like the peer-wire errors, but raised by the session when it decodes an
 * {@code extended} message's payload: whether it closes the connection or only ignores the message is the
 * session's choice (a bad PEX message need not cost a good peer). No stack trace is filled in.
 */
public final class ExtensionProtocolException extends DecoderException {

    /** Why the payload was refused. */
    public enum Reason {
        /** The payload is not valid bencode, or exceeds {@code BencodeLimits.EXTENSION}. */
        BAD_BENCODE,
        /** The payload (or a nested value that must be one) is not a dictionary. */
        NOT_A_DICTIONARY,
        /** A known key holds a value of the wrong bencode type. */
        WRONG_TYPE,
        /** A required key is missing (BEP 9 {@code msg_type}, {@code piece}, {@code total_size}). */
        MISSING_KEY,
        /** A value outside its range: a port above 65535, an address of the wrong length, a negative size... */
        INVALID_VALUE,
        /** More entries than the sanity limit: extension names in {@code m}, peers in a PEX list. */
        TOO_MANY_ENTRIES,
        /** A string longer than the sanity limit (an extension name, the client name). */
        STRING_TOO_LONG,
        /** BEP 9: {@code total_size} above the configured maximum metadata size. */
        METADATA_TOO_LARGE,
        /** BEP 9: a metadata piece index outside the metadata, or a data block of the wrong length. */
        BAD_METADATA_PIECE,
        /** BEP 11: a compact peer list whose length is not a multiple of 6 (IPv4) or 18 (IPv6). */
        BAD_COMPACT_LENGTH
    }

    private final Reason reason;

    public ExtensionProtocolException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ExtensionProtocolException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}
