package io.hivemind.bt.client.distribution;

/** An announcement value that does not follow the format of {@link Announcement}; carries why. */
public final class AnnouncementException extends RuntimeException {
    /** What was wrong. */
    public enum Reason {
        /** Not bencode, not canonical bencode, over the size limits, or not a dictionary. */
        NOT_BENCODE,
        /** A member is missing or has the wrong type. */
        MISSING_FIELD,
        /** A member has the right type but an invalid value (length, syntax, range). */
        BAD_FIELD,
        /** The encoded value would exceed the BEP 44 limit of 1000 bytes. */
        TOO_LARGE
    }

    private final Reason reason;

    public AnnouncementException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public AnnouncementException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
