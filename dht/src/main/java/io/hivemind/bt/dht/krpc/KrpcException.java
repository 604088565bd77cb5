package io.hivemind.bt.dht.krpc;

/**
 * A packet that is not a valid KRPC message (BEP 5), with a typed {@link Reason}. Unchecked, as every parser on
 * the wire path. When the packet was a readable query, {@link #transactionId()} is set so that a node may answer
 * with a "protocol error" (203); packets that are not even bencoded dictionaries get no answer at all.
 */
public final class KrpcException extends RuntimeException {

    /** Why a packet was rejected. */
    public enum Reason {
        /** Not valid bencode, or beyond {@code BencodeLimits.KRPC} (depth, tokens, 1,500 bytes). */
        MALFORMED_BENCODE,
        /** The top-level value is not a dictionary. */
        NOT_A_DICT,
        /** A required key is absent. */
        MISSING_FIELD,
        /** A key holds another bencode type than the protocol says. */
        WRONG_TYPE,
        /** A string of the wrong length (ids, compact nodes, keys, signatures, transaction ids, tokens). */
        BAD_LENGTH,
        /** {@code y} is not {@code q}, {@code r} or {@code e}. */
        UNKNOWN_TYPE,
        /** A value outside its range (a port, a negative sequence number). */
        BAD_VALUE,
        /** A BEP 44 value whose bencoding is not canonical (unsorted or duplicate keys). */
        NON_CANONICAL_VALUE
    }

    private final Reason reason;
    private final byte[] transactionId;

    public KrpcException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    public KrpcException(Reason reason, String message, byte[] transactionId, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.transactionId = transactionId;
    }

    public Reason reason() {
        return reason;
    }

    /** The transaction id of a query that could be read far enough to answer, or null. */
    public byte[] transactionId() {
        return transactionId == null ? null : transactionId.clone();
    }

    /** This exception tied to a query's transaction id (so the node may answer with error 203). */
    KrpcException forQuery(byte[] tid) {
        return new KrpcException(reason, getMessage(), tid, getCause());
    }
}
