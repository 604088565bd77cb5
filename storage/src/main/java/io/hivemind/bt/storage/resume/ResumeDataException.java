package io.hivemind.bt.storage.resume;

/** A resume file that cannot be used, with a typed {@link Reason} and (for bencode errors) the byte offset. */
public final class ResumeDataException extends RuntimeException {

    /** Why a resume file was rejected. */
    public enum Reason {
        /** Not bencode, or bencode beyond the limits (size, depth, tokens). */
        BAD_BENCODE,
        /** The top level is not a dictionary. */
        NOT_A_DICTIONARY,
        /** Not a hivebt resume file, or a version this build does not read. */
        WRONG_FORMAT,
        /** A required key is missing. */
        MISSING_KEY,
        /** A key has a value of the wrong type. */
        WRONG_TYPE,
        /** A value out of range (negative size, unknown priority, oversized path, bad info-hash length). */
        BAD_VALUE,
        /** More pieces or files than the limits allow. */
        TOO_LARGE,
        /** Parts that disagree (bitfield length vs piece count, priorities vs files). */
        INCONSISTENT
    }

    private final Reason reason;
    private final long offset;

    public ResumeDataException(Reason reason, String message) {
        this(reason, -1, message, null);
    }

    public ResumeDataException(Reason reason, long offset, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    /** Byte offset of a bencode error, or -1. */
    public long offset() {
        return offset;
    }
}
