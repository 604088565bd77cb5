package io.hivemind.bt.client.nat.core;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.Protocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * NAT-PMP packets (RFC 6886 §3): the external address request (opcode 0), mapping requests (opcode 1 UDP, 2 TCP,
 * lifetime 0 deletes) and the decoder of the gateway's responses. Error responses may be only the 8-byte header
 * (§3.5); a successful response must be complete. Everything else is rejected with
 * {@link Reason#MALFORMED_NATPMP}. Pure; thread-safe.
 */
public final class NatPmpMessages {
    /** The port NAT-PMP and PCP servers listen on (RFC 6886 §3.1, RFC 6887 §19.1). */
    public static final int SERVER_PORT = 5351;
    public static final int VERSION = 0;
    /** Result codes (RFC 6886 §3.5). */
    public static final int SUCCESS = 0;
    public static final int UNSUPPORTED_VERSION = 1;
    /** Longest datagram we look at (PCP's limit, RFC 6887 §7). */
    public static final int MAX_PACKET = 1100;

    private NatPmpMessages() {
    }

    /** A decoded response. */
    public sealed interface Response {
        int resultCode();

        /** Seconds since the gateway's mapping table was (re)initialised (§3.6). */
        long epochSeconds();
    }

    /** Response to opcode 0; {@code address} is null when the result code is not 0. */
    public record ExternalAddress(int resultCode, long epochSeconds, Inet4Address address) implements Response {
    }

    /** Response to a mapping request; the port and lifetime fields are 0 when the result code is not 0. */
    public record MappingResult(Protocol protocol, int resultCode, long epochSeconds, int internalPort,
                                int externalPort, long lifetimeSeconds) implements Response {
    }

    public static byte[] externalAddressRequest() {
        return new byte[] {VERSION, 0};
    }

    /**
     * A mapping request. {@code suggestedExternalPort} 0 lets the gateway choose; {@code lifetimeSeconds} 0 with
     * external port 0 deletes the mapping (§3.4).
     */
    public static byte[] mappingRequest(Protocol protocol, int internalPort, int suggestedExternalPort,
                                        long lifetimeSeconds) {
        if (internalPort < 1 || internalPort > 65535 || suggestedExternalPort < 0 || suggestedExternalPort > 65535) {
            throw new IllegalArgumentException("ports out of range: " + internalPort + ", " + suggestedExternalPort);
        }
        if (lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("lifetime out of range: " + lifetimeSeconds);
        }
        byte[] b = new byte[12];
        b[0] = VERSION;
        b[1] = (byte) protocol.natPmpOpcode();
        putShort(b, 4, internalPort);
        putShort(b, 6, suggestedExternalPort);
        putInt(b, 8, lifetimeSeconds);
        return b;
    }

    /** Decodes a response datagram. */
    public static Response decode(byte[] p) {
        if (p.length > MAX_PACKET) {
            throw new NatException(Reason.TOO_LARGE, "NAT-PMP reply of " + p.length + " bytes");
        }
        if (p.length < 8) {
            throw new NatException(Reason.MALFORMED_NATPMP, "NAT-PMP reply of " + p.length
                    + " bytes is shorter than its 8-byte header");
        }
        int version = p[0] & 0xff;
        int op = p[1] & 0xff;
        if (version != VERSION) {
            throw new NatException(Reason.MALFORMED_NATPMP, "NAT-PMP reply has version " + version + ", expected 0");
        }
        if (op < 128) {
            throw new NatException(Reason.MALFORMED_NATPMP, "NAT-PMP packet with opcode " + op
                    + " is a request, not a reply");
        }
        int result = getShort(p, 2);
        long epoch = getInt(p, 4);
        switch (op - 128) {
            case 0 -> {
                if (result != SUCCESS) {
                    return new ExternalAddress(result, epoch, null);
                }
                need(p, 12, "external address");
                try {
                    return new ExternalAddress(result, epoch,
                            (Inet4Address) InetAddress.getByAddress(new byte[] {p[8], p[9], p[10], p[11]}));
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
            case 1, 2 -> {
                Protocol protocol = op - 128 == 1 ? Protocol.UDP : Protocol.TCP;
                if (result != SUCCESS) {
                    int internal = p.length >= 10 ? getShort(p, 8) : 0;
                    return new MappingResult(protocol, result, epoch, internal, 0, 0);
                }
                need(p, 16, "mapping");
                return new MappingResult(protocol, result, epoch, getShort(p, 8), getShort(p, 10), getInt(p, 12));
            }
            default -> throw new NatException(Reason.MALFORMED_NATPMP, "NAT-PMP reply with unknown opcode " + op);
        }
    }

    /** Throws {@link Reason#NATPMP_REFUSED} (or {@link Reason#UNSUPPORTED_VERSION}) unless the result is 0. */
    public static <R extends Response> R requireSuccess(R r) {
        int code = r.resultCode();
        if (code == SUCCESS) {
            return r;
        }
        if (code == UNSUPPORTED_VERSION) {
            throw new NatException(Reason.UNSUPPORTED_VERSION, code, "the gateway does not speak NAT-PMP version 0");
        }
        throw new NatException(Reason.NATPMP_REFUSED, code, "the gateway refused the NAT-PMP request: "
                + resultName(code) + " (" + code + ")");
    }

    /** Names of the result codes of RFC 6886 §3.5. */
    public static String resultName(int code) {
        return switch (code) {
            case 0 -> "Success";
            case 1 -> "Unsupported Version";
            case 2 -> "Not Authorized/Refused (NAT-PMP is disabled on the gateway)";
            case 3 -> "Network Failure (the gateway has no external address)";
            case 4 -> "Out of resources";
            case 5 -> "Unsupported opcode";
            default -> "unknown result code";
        };
    }

    private static void need(byte[] p, int n, String what) {
        if (p.length < n) {
            throw new NatException(Reason.MALFORMED_NATPMP, "NAT-PMP " + what + " reply of " + p.length
                    + " bytes, expected " + n);
        }
    }

    static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void putInt(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static int getShort(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    static long getInt(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
