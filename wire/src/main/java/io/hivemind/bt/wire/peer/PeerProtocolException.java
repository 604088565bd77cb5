package io.hivemind.bt.wire.peer;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the peer-wire protocol (BEP 3 handshake or message framing). Thrown by
 * {@link PeerHandshakeDecoder} and {@link PeerMessageDecoder}; it reaches the pipeline's
 * {@code exceptionCaught} unchanged (it is already a {@link DecoderException}), where the session closes the
 * connection and counts {@link #reason()}.
 *
 * <p>After throwing, a decoder discards everything else the peer sends, so one violation is reported once and
 * no further input is buffered. The stack trace is not filled in: the reason and message say everything, and a
 * flood of hostile peers should not cost a stack walk each.
 */
public final class PeerProtocolException extends DecoderException {

    /** Why the peer was rejected; one value per disconnect counter. */
    public enum Reason {
        /** BEP 3: the first byte of the handshake is not 19. */
        BAD_PROTOCOL_LENGTH,
        /** BEP 3: the protocol string is not {@code "BitTorrent protocol"}. */
        BAD_PROTOCOL_STRING,
        /** The info-hash in the handshake is not one we serve (incoming) or not the one we asked for (outgoing). */
        UNKNOWN_INFO_HASH,
        /** A length prefix above the decoder's maximum (HARDENING: "> 1 MiB → disconnect"). */
        MESSAGE_TOO_LONG,
        /** A message whose length does not fit its id (a {@code have} that is not 5 bytes, hashes not a multiple of 32...). */
        BAD_MESSAGE_LENGTH,
        /** An unsigned 32-bit field at or above 2^31 (piece index, offset, length, BEP 52 layer numbers). */
        FIELD_OUT_OF_RANGE,
        /** BEP 52: a hash request whose length is not a power of two ≥ 2, or whose index is not a multiple of it. */
        INVALID_HASH_REQUEST
    }

    private final Reason reason;

    public PeerProtocolException(Reason reason, String message) {
        super(message);
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
