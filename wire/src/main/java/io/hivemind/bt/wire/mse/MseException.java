package io.hivemind.bt.wire.mse;

import io.netty.handler.codec.DecoderException;

/**
 * A failed MSE/PE handshake, with a typed {@link Reason}. Unchecked, like every wire-path error.
 * The session maps it to {@code DisconnectReason.ENCRYPTION_ERROR} (or {@code TIMEOUT} / a plain close).
 */
public final class MseException extends DecoderException {

    /** Why the handshake failed. */
    public enum Reason {
        /** Responder, policy {@link MsePolicy#FORCED}: the peer opened with a plaintext BitTorrent handshake. */
        PLAINTEXT_REFUSED,
        /** Responder, policy {@link MsePolicy#DISABLED}: the peer did not open with a plaintext handshake. */
        ENCRYPTION_REFUSED,
        /** The peer's Diffie-Hellman public key is 0, 1, P-1 or above P. */
        INVALID_PUBLIC_KEY,
        /** The synchronisation marker (HASH('req1', S) or the encrypted VC) did not appear within PadA/PadB's bound. */
        SYNC_NOT_FOUND,
        /** Responder: the obfuscated info-hash matches no torrent we serve. */
        UNKNOWN_INFO_HASH,
        /** Responder: the verification constant did not decrypt to zeros (wrong SKEY or a corrupt stream). */
        BAD_VERIFICATION_CONSTANT,
        /** PadC or PadD announced longer than 512 bytes. */
        PAD_TOO_LONG,
        /** Responder: the initial payload is longer than {@link MseConfig#maxInitialPayload()}. */
        INITIAL_PAYLOAD_TOO_LONG,
        /** Responder: nothing in crypto_provide that our allowed methods accept. */
        NO_COMMON_METHOD,
        /** Initiator: crypto_select is not exactly one of the methods we provided. */
        BAD_CRYPTO_SELECT,
        /** The handshake did not finish within {@link MseConfig#handshakeTimeout()}. */
        TIMEOUT,
        /** The peer closed the connection (or it failed) before the handshake finished. */
        PEER_CLOSED
    }

    private final Reason reason;

    public MseException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public MseException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
