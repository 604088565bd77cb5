package io.hivemind.bt.wire.peer;

import io.hivemind.bt.wire.internal.Hex;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The BEP 3 handshake: {@code <19>"BitTorrent protocol"<8 reserved bytes><20-byte info-hash><20-byte peer id>},
 * 68 bytes.
 *
 * <p>The reserved bytes are kept as one big-endian {@code long} ({@link #reserved()}): byte 0 of the wire form is
 * the most significant byte, byte 7 the least. {@link Feature} names the bits hivebt knows; unknown bits are kept
 * as they came so nothing is lost.
 *
 * <p>The info-hash is the SHA-1 info-hash of a v1 or hybrid torrent, or the SHA-256 info-hash of a v2 torrent
 * truncated to 20 bytes (BEP 52). Immutable and thread-safe: arrays are copied in and out.
 *
 * @param reserved the 8 reserved bytes, big-endian
 * @param infoHash 20 bytes
 * @param peerId   20 bytes
 */
public record PeerHandshake(long reserved, byte[] infoHash, byte[] peerId) {

    /** Encoded length of a handshake. */
    public static final int LENGTH = 68;
    /** Offset of the info-hash: after the protocol string and the reserved bytes. */
    public static final int INFO_HASH_END = 48;
    static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);

    /** A reserved bit hivebt understands. */
    public enum Feature {
        /** BEP 5: the peer runs a DHT node and may send {@code port} (bit 0x01 of byte 7). */
        DHT(0x01L),
        /** BEP 6: the fast extension (bit 0x04 of byte 7). */
        FAST(0x04L),
        /** BEP 52: the peer can upgrade a hybrid torrent's connection to v2 (bit 0x10 of byte 7). */
        V2_UPGRADE(0x10L),
        /** BEP 10: the extension protocol (bit 0x10 of byte 5, "bit 20 from the right"). */
        EXTENSION_PROTOCOL(0x10L << 16);

        private final long mask;

        Feature(long mask) {
            this.mask = mask;
        }

        /** The bit in {@link PeerHandshake#reserved()}. */
        public long mask() {
            return mask;
        }
    }

    public PeerHandshake {
        if (infoHash.length != 20) {
            throw new IllegalArgumentException("info-hash of " + infoHash.length + " bytes, expected 20");
        }
        if (peerId.length != 20) {
            throw new IllegalArgumentException("peer id of " + peerId.length + " bytes, expected 20");
        }
        infoHash = infoHash.clone();
        peerId = peerId.clone();
    }

    /** A handshake with exactly the given features set in the reserved bytes. */
    public static PeerHandshake of(Set<Feature> features, byte[] infoHash, byte[] peerId) {
        return new PeerHandshake(reservedBits(features), infoHash, peerId);
    }

    /** The reserved bytes with exactly {@code features} set. */
    public static long reservedBits(Set<Feature> features) {
        long bits = 0;
        for (Feature f : features) {
            bits |= f.mask;
        }
        return bits;
    }

    /** True if the reserved bit of {@code feature} is set. */
    public boolean has(Feature feature) {
        return (reserved & feature.mask) != 0;
    }

    /** The features whose bits are set; unknown bits are not listed (see {@link #reserved()}). */
    public Set<Feature> features() {
        EnumSet<Feature> set = EnumSet.noneOf(Feature.class);
        for (Feature f : Feature.values()) {
            if (has(f)) {
                set.add(f);
            }
        }
        return set;
    }

    /** A copy of the info-hash. */
    @Override
    public byte[] infoHash() {
        return infoHash.clone();
    }

    /** A copy of the peer id. */
    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    /** True if this handshake's info-hash equals {@code other} (no copy). */
    public boolean infoHashEquals(byte[] other) {
        return Arrays.equals(infoHash, other);
    }

    /** True if this handshake's peer id equals {@code other} (no copy); for connect-to-self and duplicate checks. */
    public boolean peerIdEquals(byte[] other) {
        return Arrays.equals(peerId, other);
    }

    /** Writes the 68-byte wire form to {@code dst}; the caller keeps ownership of {@code dst}. */
    public void writeTo(ByteBuf dst) {
        dst.ensureWritable(LENGTH);
        dst.writeByte(PROTOCOL.length);
        dst.writeBytes(PROTOCOL);
        dst.writeLong(reserved);
        dst.writeBytes(infoHash);
        dst.writeBytes(peerId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerHandshake h && h.reserved == reserved && Arrays.equals(h.infoHash, infoHash)
                && Arrays.equals(h.peerId, peerId);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(reserved) * 31 + Arrays.hashCode(infoHash)) * 31 + Arrays.hashCode(peerId);
    }

    @Override
    public String toString() {
        return "PeerHandshake[reserved=" + String.format("%016x", reserved) + " " + features()
                + ", infoHash=" + Hex.encode(infoHash) + ", peerId=" + printablePeerId(peerId) + "]";
    }

    static String printablePeerId(byte[] id) {
        StringBuilder sb = new StringBuilder(40);
        for (byte b : id) {
            if (b >= 0x20 && b < 0x7f && b != '%') {
                sb.append((char) b);
            } else {
                sb.append('%').append(String.format("%02x", b & 0xff));
            }
        }
        return sb.toString();
    }
}
