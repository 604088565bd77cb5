package io.hivemind.bt.wire.metainfo;

import io.hivemind.bt.wire.internal.Hex;
import java.util.Arrays;
import java.util.Objects;

/**
 * The identity of a torrent: the v1 info-hash (SHA-1 of the bencoded info dictionary, 20 bytes) and/or the v2
 * info-hash (SHA-256 of it, 32 bytes), as BEP 52 defines. Immutable and thread-safe; arrays are copied in and out.
 */
public final class InfoHashes {
    private final byte[] v1;
    private final byte[] v2;

    private InfoHashes(byte[] v1, byte[] v2) {
        if (v1 == null && v2 == null) {
            throw new IllegalArgumentException("an info-hash needs v1, v2 or both");
        }
        if (v1 != null && v1.length != 20) {
            throw new IllegalArgumentException("v1 info-hash must be 20 bytes, got " + v1.length);
        }
        if (v2 != null && v2.length != 32) {
            throw new IllegalArgumentException("v2 info-hash must be 32 bytes, got " + v2.length);
        }
        this.v1 = v1 == null ? null : v1.clone();
        this.v2 = v2 == null ? null : v2.clone();
    }

    /** Either may be null, not both. */
    public static InfoHashes of(byte[] v1, byte[] v2) {
        return new InfoHashes(v1, v2);
    }

    public static InfoHashes v1(byte[] v1) {
        return new InfoHashes(Objects.requireNonNull(v1), null);
    }

    public static InfoHashes v2(byte[] v2) {
        return new InfoHashes(null, Objects.requireNonNull(v2));
    }

    public boolean hasV1() {
        return v1 != null;
    }

    public boolean hasV2() {
        return v2 != null;
    }

    /** The 20-byte v1 hash; throws {@link IllegalStateException} when the torrent has none. */
    public byte[] v1() {
        if (v1 == null) {
            throw new IllegalStateException("no v1 info-hash");
        }
        return v1.clone();
    }

    /** The 32-byte v2 hash; throws {@link IllegalStateException} when the torrent has none. */
    public byte[] v2() {
        if (v2 == null) {
            throw new IllegalStateException("no v2 info-hash");
        }
        return v2.clone();
    }

    /** The first 20 bytes of the v2 hash, as used in handshakes and tracker announces (BEP 52). */
    public byte[] v2Truncated() {
        if (v2 == null) {
            throw new IllegalStateException("no v2 info-hash");
        }
        return Arrays.copyOf(v2, 20);
    }

    /**
     * The 20 bytes that identify the torrent on the wire when only one can be used: the v1 hash when there is
     * one (hybrid torrents are announced and handshaked by v1 by default), else the truncated v2 hash.
     */
    public byte[] wireId() {
        return v1 != null ? v1.clone() : v2Truncated();
    }

    /** True if {@code id20} is the v1 hash or the truncated v2 hash. */
    public boolean matchesWireId(byte[] id20) {
        if (id20 == null || id20.length != 20) {
            return false;
        }
        if (v1 != null && Arrays.equals(v1, id20)) {
            return true;
        }
        return v2 != null && Arrays.equals(v2, 0, 20, id20, 0, 20);
    }

    public String v1Hex() {
        return Hex.encode(v1());
    }

    public String v2Hex() {
        return Hex.encode(v2());
    }

    /** Lower-case hex of {@link #wireId()}. */
    public String wireIdHex() {
        return Hex.encode(wireId());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHashes h && Arrays.equals(v1, h.v1) && Arrays.equals(v2, h.v2);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(v1) + Arrays.hashCode(v2);
    }

    @Override
    public String toString() {
        return "InfoHashes[" + (v1 != null ? "v1=" + Hex.encode(v1) : "") + (v1 != null && v2 != null ? ", " : "")
                + (v2 != null ? "v2=" + Hex.encode(v2) : "") + "]";
    }
}
