package io.hivemind.bt.wire.metainfo;

/** A torrent file (or info dictionary) that is not acceptable, with a typed {@link Reason}. */
public final class MetainfoException extends RuntimeException {

    /** Why a torrent was rejected. The malformed-torrent fixtures pair each bad file with one of these. */
    public enum Reason {
        /** Not bencode, or bencode beyond the limits (see the cause's {@code BencodeException.Reason}). */
        BAD_BENCODE,
        /** The top level is not a dictionary. */
        NOT_A_DICTIONARY,
        /** No {@code info} dictionary. */
        MISSING_INFO,
        /** A required key is missing. */
        MISSING_KEY,
        /** A key has a value of the wrong type. */
        WRONG_TYPE,
        /** {@code piece length} missing, zero, negative, too large, or (v2) not a power of two ≥ 16 KiB. */
        BAD_PIECE_LENGTH,
        /** {@code pieces} not a multiple of 20 bytes, or its count does not match the total length. */
        BAD_PIECES,
        /** More pieces than the limit (HARDENING.md: 2,097,152). */
        TOO_MANY_PIECES,
        /** A negative file length, lengths whose sum overflows, a symlink with a length, or no data at all. */
        BAD_LENGTH,
        /** Neither {@code length} nor {@code files}, or both. */
        BAD_FILE_LIST,
        /** A path component that cannot be made safe (e.g. a name that sanitises to nothing). */
        UNSAFE_PATH,
        /** Two files with the same path after sanitising, beyond the rename limit. */
        DUPLICATE_PATH,
        /** Directory nesting deeper than the limit (HARDENING.md: 100). */
        PATH_TOO_DEEP,
        /** {@code meta version} other than 2 in a v2 torrent, or an unsupported value. */
        BAD_META_VERSION,
        /** A v2 {@code file tree} that is malformed. */
        BAD_FILE_TREE,
        /** {@code pieces root} of the wrong size, or missing for a non-empty file. */
        BAD_PIECES_ROOT,
        /** {@code piece layers} missing, of the wrong size, or not hashing to the {@code pieces root}. */
        BAD_PIECE_LAYERS,
        /** The v1 and v2 parts of a hybrid torrent describe different files. */
        HYBRID_MISMATCH,
        /** A BEP 47 pad file that cannot be one: a whole piece or longer, a single-file or v2 pad, a symlink. */
        BAD_PAD_FILE,
        /** The assembled info dictionary does not hash to the expected info-hash (BEP 9 metadata). */
        HASH_MISMATCH,
        /** A bad announce URL, announce-list or url-list. */
        BAD_TRACKERS,
        /** Input larger than the configured limit. */
        TOO_LARGE
    }

    private final Reason reason;

    public MetainfoException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MetainfoException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
