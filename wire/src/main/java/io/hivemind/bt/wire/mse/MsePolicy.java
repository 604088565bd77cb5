package io.hivemind.bt.wire.mse;

/**
 * Whether connections use the MSE/PE handshake. Which stream cipher follows an MSE handshake is a separate
 * choice ({@link MseConfig#allowedMethods()}), as in libtorrent ({@code in_enc_policy}/{@code out_enc_policy}
 * versus {@code allowed_enc_level}).
 */
public enum MsePolicy {
    /** Outgoing connections are plaintext; incoming MSE handshakes are refused. */
    DISABLED,
    /**
     * Outgoing connections start with MSE, and the session may retry in plaintext when the peer hangs up
     * ({@link MseHandshakeCompletionEvent#plaintextRetryAdvised()}); incoming plaintext and MSE are both accepted.
     */
    ENABLED,
    /** Every connection must use the MSE handshake; incoming plaintext handshakes are refused. */
    FORCED
}
