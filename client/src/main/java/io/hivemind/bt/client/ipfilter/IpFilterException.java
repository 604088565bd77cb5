package io.hivemind.bt.client.ipfilter;

/**
 * A blocklist or range that cannot be read, with a typed {@link Reason} and the 1-based line number
 * (-1 when not reading a file). Unchecked.
 */
public final class IpFilterException extends RuntimeException {

    /** Why the input was rejected. */
    public enum Reason {
        /** Not an IPv4 or IPv6 address literal. */
        BAD_ADDRESS,
        /** A range whose start is after its end. */
        BAD_RANGE,
        /** A range from an IPv4 to an IPv6 address or back. */
        MIXED_FAMILIES,
        /** A CIDR prefix length that is not a number within 0..32 (IPv4) or 0..128 (IPv6). */
        BAD_PREFIX,
        /** An eMule {@code .dat} access level that is not a number within 0..1000. */
        BAD_LEVEL,
        /** A line longer than {@link IpFilterLoader.Limits#maxLineLength()}. */
        LINE_TOO_LONG,
        /** More lines than {@link IpFilterLoader.Limits#maxLines()}. */
        TOO_MANY_LINES,
        /** More bytes (after decompression) than {@link IpFilterLoader.Limits#maxBytes()}. */
        FILE_TOO_LARGE,
        /** More bad lines than {@link IpFilterLoader.Limits#maxBadLines()}. */
        TOO_MANY_BAD_LINES,
        /** A gzip stream that is corrupt or truncated. */
        BAD_COMPRESSION
    }

    private final Reason reason;
    private final long line;

    public IpFilterException(Reason reason, long line, String message) {
        super(reason + (line > 0 ? " at line " + line : "") + ": " + message);
        this.reason = reason;
        this.line = line;
    }

    IpFilterException atLine(long lineNumber) {
        IpFilterException e = new IpFilterException(reason, lineNumber, detail());
        e.setStackTrace(getStackTrace());
        return e;
    }

    private String detail() {
        String m = getMessage();
        int colon = m.indexOf(": ");
        return colon < 0 ? m : m.substring(colon + 2);
    }

    public Reason reason() {
        return reason;
    }

    /** 1-based line number in the file, or -1. */
    public long line() {
        return line;
    }
}
