package io.hivemind.bt.client.nat;

/**
 * A port mapping step that failed: a malformed or hostile reply from a gateway, a refusal, a timeout or a network
 * error, with a typed {@link Reason} and, for refusals, the protocol's own error code. Unchecked, like every parser
 * error on the wire path; the message says what happened and, where there is one, what to do about it.
 */
public final class NatException extends RuntimeException {

    /** Why a step failed. */
    public enum Reason {
        /** An SSDP reply that is not an HTTP-over-UDP {@code 200 OK} with a usable {@code LOCATION}. */
        MALFORMED_SSDP,
        /** An HTTP reply that could not be read (status line, headers, length). */
        MALFORMED_HTTP,
        /** A reply larger than its limit (SSDP datagram, description, SOAP body, header section). */
        TOO_LARGE,
        /** A device description or SOAP body that is not well-formed XML, has a DTD, or is nested too deeply. */
        MALFORMED_XML,
        /** A device description without a WANIPConnection or WANPPPConnection service. */
        NO_IGD_SERVICE,
        /** A URL that is not plain http, or points at another host than the device that answered. */
        BAD_URL,
        /** An HTTP status other than 200 without a SOAP fault. */
        HTTP_STATUS,
        /** The router answered with a UPnP error ({@link #code()} holds the UPnP error code, e.g. 718). */
        SOAP_FAULT,
        /** A SOAP reply without the element the action returns, or with an unreadable value. */
        MALFORMED_SOAP,
        /** A NAT-PMP packet of the wrong size, version or opcode (RFC 6886 §3). */
        MALFORMED_NATPMP,
        /** A PCP packet of the wrong size, version, opcode or nonce (RFC 6887 §7, §11). */
        MALFORMED_PCP,
        /** The gateway refused a NAT-PMP request ({@link #code()} holds the result code, RFC 6886 §3.5). */
        NATPMP_REFUSED,
        /** The gateway refused a PCP request ({@link #code()} holds the result code, RFC 6887 §7.4). */
        PCP_REFUSED,
        /** The gateway does not speak this protocol version (NAT-PMP result 1, PCP UNSUPP_VERSION). */
        UNSUPPORTED_VERSION,
        /** No answer within the protocol's retry schedule. */
        TIMEOUT,
        /** No default gateway found in the routing table. */
        NO_GATEWAY,
        /** A socket error (connection refused, unreachable, bind failure). */
        NETWORK,
        /** The port mapper was closed while the step was in flight. */
        CLOSED
    }

    private final Reason reason;
    private final int code;

    public NatException(Reason reason, String message) {
        this(reason, 0, message, null);
    }

    public NatException(Reason reason, int code, String message) {
        this(reason, code, message, null);
    }

    public NatException(Reason reason, int code, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.code = code;
    }

    public Reason reason() {
        return reason;
    }

    /** The UPnP error code, NAT-PMP or PCP result code of a refusal; 0 otherwise. */
    public int code() {
        return code;
    }
}
