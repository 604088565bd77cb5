package io.hivemind.bt.dht.krpc;

/**
 * A KRPC error ({@code "y": "e"}), BEP 5 codes 201–204 and BEP 44 codes 205–207, 301, 302.
 *
 * @param transactionId the transaction id of the query this answers
 * @param code          the error code
 * @param message       a short human-readable message
 */
public record KrpcError(byte[] transactionId, int code, String message) implements KrpcMessage {
    /** Generic error. */
    public static final int GENERIC = 201;
    /** Server error. */
    public static final int SERVER = 202;
    /** Protocol error: a malformed packet, an invalid argument or a bad token. */
    public static final int PROTOCOL = 203;
    /** Method unknown. */
    public static final int METHOD_UNKNOWN = 204;
    /** BEP 44: {@code v} larger than 1000 bytes. */
    public static final int VALUE_TOO_BIG = 205;
    /** BEP 44: invalid signature. */
    public static final int INVALID_SIGNATURE = 206;
    /** BEP 44: salt longer than 64 bytes. */
    public static final int SALT_TOO_BIG = 207;
    /** BEP 44: the {@code cas} did not match the stored sequence number. */
    public static final int CAS_MISMATCH = 301;
    /** BEP 44: sequence number lower than the stored one. */
    public static final int SEQ_TOO_LOW = 302;
}
