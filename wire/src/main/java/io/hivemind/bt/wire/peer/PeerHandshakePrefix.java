package io.hivemind.bt.wire.peer;

import io.hivemind.bt.wire.internal.Hex;
import java.util.Arrays;

/**
 * The first 48 bytes of a remote handshake (protocol string, reserved bytes, info-hash), fired by a
 * {@link PeerHandshakeDecoder#incoming incoming} handshake decoder as soon as they have arrived and the info-hash was
 * accepted, before the peer id.
 *
 * <p>BEP 3: "If the initiator [...] the recipient must respond as soon as it sees the info_hash part of the
 * handshake (the peer id will presumably be sent after the recipient sends its own handshake)." On this message the
 * session writes its own {@link PeerHandshake} for the named torrent; the full {@link PeerHandshake} follows when the
 * peer id arrives. Immutable; not reference-counted.
 *
 * @param reserved the reserved bytes, big-endian (see {@link PeerHandshake.Feature})
 * @param infoHash the 20-byte info-hash (a copy is returned)
 */
public record PeerHandshakePrefix(long reserved, byte[] infoHash) {

    public PeerHandshakePrefix {
        if (infoHash.length != 20) {
            throw new IllegalArgumentException("info-hash of " + infoHash.length + " bytes, expected 20");
        }
        infoHash = infoHash.clone();
    }

    /** A copy of the info-hash. */
    @Override
    public byte[] infoHash() {
        return infoHash.clone();
    }

    /** True if the reserved bit of {@code feature} is set. */
    public boolean has(PeerHandshake.Feature feature) {
        return (reserved & feature.mask()) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerHandshakePrefix p && p.reserved == reserved && Arrays.equals(p.infoHash, infoHash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(reserved) * 31 + Arrays.hashCode(infoHash);
    }

    @Override
    public String toString() {
        return "PeerHandshakePrefix[reserved=" + String.format("%016x", reserved) + ", infoHash="
                + Hex.encode(infoHash) + "]";
    }
}
