package io.hivemind.bt.storage;

import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.util.Objects;

/**
 * What each piece must hash to: its SHA-1 (v1, BEP 3) and/or the root of its SHA-256 merkle subtree (v2, BEP 52:
 * 16 KiB leaves, zero-hash padding, the piece layer entry or the file's {@code pieces root}). A piece whose v2 hash is
 * not known yet (a v2 magnet before the piece layers arrived) answers null; a hybrid torrent then verifies v1 only.
 *
 * <p>An interface rather than a method of {@link Metainfo} because v2 hashes can arrive after the torrent starts
 * (BEP 52 hash requests); implementations must be thread-safe (pieces are verified on the hashing executor).
 */
public interface PieceHashes {

    /** True when pieces have v1 SHA-1 hashes. */
    boolean hasV1();

    /** True when pieces have (or will have) v2 merkle hashes. */
    boolean hasV2();

    /** Compares {@code sha1} (20 bytes at {@code offset}) with piece {@code piece}'s v1 hash. */
    boolean v1Equals(int piece, byte[] sha1, int offset);

    /** The 32-byte v2 hash piece {@code piece} must verify against, or null when not (yet) known. */
    byte[] v2Hash(int piece);

    /** True when at least one of the piece's hashes is known, so it can be verified. */
    default boolean canVerify(int piece) {
        return hasV1() || v2Hash(piece) != null;
    }

    /** The hashes a parsed torrent carries: v1, v2 (with its piece layers) or both (hybrid). */
    static PieceHashes of(Metainfo metainfo) {
        Objects.requireNonNull(metainfo, "metainfo");
        InfoDictionary info = metainfo.info();
        boolean v1 = info.version().hasV1();
        boolean v2 = info.version().hasV2();
        return new PieceHashes() {
            @Override
            public boolean hasV1() {
                return v1;
            }

            @Override
            public boolean hasV2() {
                return v2;
            }

            @Override
            public boolean v1Equals(int piece, byte[] sha1, int offset) {
                return info.v1PieceHashEquals(piece, sha1, offset);
            }

            @Override
            public byte[] v2Hash(int piece) {
                return v2 ? metainfo.v2PieceHash(piece) : null;
            }
        };
    }
}
