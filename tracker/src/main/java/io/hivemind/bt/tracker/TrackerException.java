package io.hivemind.bt.tracker;

import java.util.Objects;

/**
 * A tracker request failed or its response (or, on the server, a request) was rejected. Unchecked, with a typed
 * {@link Reason}: parsers and network shells never throw anything else for bad input, so a hostile tracker or
 * client cannot crash a session.
 *
 * <p>Immutable and thread-safe.
 */
public class TrackerException extends RuntimeException {

    /** Why a tracker exchange failed. {@link #isPermanent()} says whether to stop announcing to that URL. */
    public enum Reason {
        /** The tracker answered with a {@code failure reason} (BEP 3) or a UDP error packet (BEP 15). */
        TRACKER_FAILURE(true),
        /** The HTTP tracker answered with a status other than 200 ({@link #httpStatus()}); 410 is permanent. */
        HTTP_STATUS(false),
        /** The response is not valid bencode, not a dictionary, or a field has the wrong type or length. */
        MALFORMED_RESPONSE(false),
        /** The response body is larger than the limit (1 MiB after decompression by default). */
        RESPONSE_TOO_LARGE(false),
        /** The URL's scheme is not http, https or udp, or it has no host or port. */
        UNSUPPORTED_URL(true),
        /** A redirect to another scheme, to a public-to-private address change, or more hops than allowed. */
        BAD_REDIRECT(false),
        /** The tracker's host name did not resolve. */
        UNRESOLVED_HOST(false),
        /** Connecting or talking to the tracker failed (refused, reset, TLS error). */
        NETWORK(false),
        /** No answer in time (HTTP timeout, or every UDP retransmission of BEP 15 went unanswered). */
        TIMEOUT(false),
        /** The tracker does not support scrape for this URL (BEP 48: no {@code announce} in the path). */
        SCRAPE_UNSUPPORTED(true),
        /** The client or session was closed before the exchange finished. */
        CLOSED(false),
        /** Server side: a request is missing a parameter, has a malformed one, or breaks a limit. */
        BAD_REQUEST(false);

        private final boolean permanent;

        Reason(boolean permanent) {
            this.permanent = permanent;
        }

        /** Whether this reason, by itself, means the URL should not be announced to again. */
        public boolean permanent() {
            return permanent;
        }
    }

    private final Reason reason;
    private final int httpStatus;
    private final long offset;

    public TrackerException(Reason reason, String message) {
        this(reason, message, null, -1, -1);
    }

    public TrackerException(Reason reason, String message, Throwable cause) {
        this(reason, message, cause, -1, -1);
    }

    /** A rejected input, with the byte offset where the problem was found (-1 when not tied to one). */
    public TrackerException(Reason reason, String message, long offset) {
        this(reason, message, null, -1, offset);
    }

    private TrackerException(Reason reason, String message, Throwable cause, int httpStatus, long offset) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.httpStatus = httpStatus;
        this.offset = offset;
    }

    /** An HTTP status other than 200. */
    public static TrackerException httpStatus(int status, String message) {
        return new TrackerException(Reason.HTTP_STATUS, message, null, status, -1);
    }

    /** Kept for callers written before {@link Reason} existed: a {@link Reason#NETWORK} failure. */
    public TrackerException(String message, Throwable cause) {
        this(Reason.NETWORK, message, cause);
    }

    /** Kept for callers written before {@link Reason} existed: a {@link Reason#MALFORMED_RESPONSE}. */
    public TrackerException(String message) {
        this(Reason.MALFORMED_RESPONSE, message);
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status for {@link Reason#HTTP_STATUS}, else -1. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Byte offset in the rejected input, or -1. */
    public long offset() {
        return offset;
    }

    /**
     * True when the URL should not be announced to again (HARDENING.md): a {@code failure reason}, HTTP 410 Gone,
     * an unsupported URL.
     */
    public boolean isPermanent() {
        return reason.permanent() || (reason == Reason.HTTP_STATUS && httpStatus == 410);
    }
}
