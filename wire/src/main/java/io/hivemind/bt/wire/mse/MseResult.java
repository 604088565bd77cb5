package io.hivemind.bt.wire.mse;

import java.util.Objects;

/**
 * How a connection's MSE stage ended successfully.
 *
 * @param initiator          we opened the connection
 * @param mseHandshake       an MSE handshake took place; false when the responder saw a plaintext BitTorrent
 *                           handshake (or the initiator's policy was {@link MsePolicy#DISABLED})
 * @param method             the payload-stream method: {@link CryptoMethod#RC4} means the connection stays
 *                           encrypted; {@link CryptoMethod#PLAINTEXT} means the handler has left the pipeline
 * @param skey               the 20-byte SKEY (info-hash) the handshake was keyed on, or null without MSE. A
 *                           responder must check that the BitTorrent handshake that follows names the same torrent.
 * @param initialPayloadBytes bytes carried as the initial payload (IA) of the MSE handshake
 */
public record MseResult(boolean initiator, boolean mseHandshake, CryptoMethod method, byte[] skey,
                        int initialPayloadBytes) {
    public MseResult {
        Objects.requireNonNull(method, "method");
        skey = skey == null ? null : skey.clone();
    }

    /** True when the payload stream is RC4-encrypted. */
    public boolean encrypted() {
        return method == CryptoMethod.RC4;
    }

    @Override
    public byte[] skey() {
        return skey == null ? null : skey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MseResult r && r.initiator == initiator && r.mseHandshake == mseHandshake
                && r.method == method && java.util.Arrays.equals(r.skey, skey)
                && r.initialPayloadBytes == initialPayloadBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initiator, mseHandshake, method, java.util.Arrays.hashCode(skey), initialPayloadBytes);
    }

    @Override
    public String toString() {
        return "MseResult[" + (initiator ? "initiator" : "responder") + ", " + (mseHandshake ? "mse" : "no mse")
                + ", " + method + ", ia=" + initialPayloadBytes + "]";
    }
}
