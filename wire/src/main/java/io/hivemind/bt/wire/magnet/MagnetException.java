package io.hivemind.bt.wire.magnet;

/** A magnet link that cannot be used, with a typed {@link Reason}. Unchecked, like every hivebt parse error. */
public final class MagnetException extends RuntimeException {

    /** Why a magnet link was rejected. */
    public enum Reason {
        /** Not a {@code magnet:?} URI. */
        NOT_A_MAGNET,
        /** Longer than {@link MagnetLink#MAX_LENGTH} characters. */
        TOO_LONG,
        /** A bad percent-escape ({@code %} not followed by two hex digits). */
        BAD_ESCAPE,
        /** Neither {@code xt=urn:btih:} nor {@code xt=urn:btmh:}. */
        MISSING_INFO_HASH,
        /** An info-hash that is not 40 hex / 32 base32 characters (btih) or a 32-byte SHA-256 multihash (btmh). */
        BAD_INFO_HASH,
        /** Two different btih (or two different btmh) info-hashes in one link. */
        CONFLICTING_INFO_HASH,
        /** A btmh multihash of another function than SHA2-256 ({@code 0x12}). */
        UNSUPPORTED_HASH,
        /** An {@code x.pe} peer that is not {@code host:port}, {@code ipv4:port} or {@code [ipv6]:port}. */
        BAD_PEER,
        /** A BEP 53 {@code so} list that is not comma-separated indices and ranges. */
        BAD_SELECT,
        /** A parameter with an unusable value (a tracker or web seed URL with spaces or controls, an empty key). */
        BAD_PARAMETER
    }

    private final Reason reason;

    public MagnetException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
