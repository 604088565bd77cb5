package io.hivemind.bt.client.nat.core;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.Protocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * PCP packets (RFC 6887): the MAP request (§7.1 header, §11.1 opcode data; lifetime 0 deletes) and the decoder of
 * responses (§7.2, §11.1), options included (§7.3: each option's length is checked and its content skipped).
 *
 * <p>Decoding rules (§8.3): a response is 24..1100 bytes and a multiple of 4, has the R bit set and the MAP opcode.
 * A NAT-PMP gateway answers a PCP request with a version-0 "unsupported version" packet (§9); that is reported as
 * {@link Reason#UNSUPPORTED_VERSION} so the caller can fall back to NAT-PMP. An error response may lack the opcode
 * data; then {@link MapResult#nonce()} is null. Pure; thread-safe.
 */
public final class PcpMessages {
    public static final int VERSION = 2;
    public static final int OPCODE_MAP = 1;
    public static final int HEADER = 24;
    public static final int MAP_DATA = 36;
    public static final int MAX_PACKET = 1100;
    public static final int NONCE_BYTES = 12;
    /** Result codes (RFC 6887 §7.4). */
    public static final int SUCCESS = 0;
    public static final int UNSUPP_VERSION = 1;

    private PcpMessages() {
    }

    /** A decoded MAP response; {@code nonce} is null for an error response without opcode data. */
    public record MapResult(int resultCode, long lifetimeSeconds, long epochSeconds, byte[] nonce, int protocol,
                            int internalPort, int externalPort, InetAddress externalAddress) {
        public MapResult {
            nonce = nonce == null ? null : nonce.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce == null ? null : nonce.clone();
        }

        public boolean nonceEquals(byte[] other) {
            return nonce != null && Arrays.equals(nonce, other);
        }
    }

    /**
     * A MAP request from {@code client} (our address on the gateway's link, sent IPv4-mapped for IPv4). The
     * suggested external address is all zeros (any), or {@code ::ffff:0.0.0.0} for an IPv4 client.
     */
    public static byte[] mapRequest(byte[] nonce, Protocol protocol, int internalPort, int suggestedExternalPort,
                                    long lifetimeSeconds, InetAddress client) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("PCP nonce is 12 bytes");
        }
        if (internalPort < 1 || internalPort > 65535 || suggestedExternalPort < 0 || suggestedExternalPort > 65535) {
            throw new IllegalArgumentException("ports out of range");
        }
        if (lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("lifetime out of range: " + lifetimeSeconds);
        }
        byte[] b = new byte[HEADER + MAP_DATA];
        b[0] = VERSION;
        b[1] = OPCODE_MAP; // R = 0: request
        NatPmpMessages.putInt(b, 4, lifetimeSeconds);
        System.arraycopy(address16(client), 0, b, 8, 16);
        System.arraycopy(nonce, 0, b, 24, NONCE_BYTES);
        b[36] = (byte) protocol.ianaNumber();
        NatPmpMessages.putShort(b, 40, internalPort);
        NatPmpMessages.putShort(b, 42, suggestedExternalPort);
        if (client instanceof Inet4Address) {
            b[54] = (byte) 0xff; // ::ffff:0.0.0.0, "any IPv4 address" (§11.1)
            b[55] = (byte) 0xff;
        }
        return b;
    }

    /** Decodes a response to a MAP request. */
    public static MapResult decodeMap(byte[] p) {
        if (p.length > MAX_PACKET) {
            throw new NatException(Reason.TOO_LARGE, "PCP reply of " + p.length + " bytes exceeds " + MAX_PACKET);
        }
        if (p.length >= 2 && (p[0] & 0xff) == NatPmpMessages.VERSION && (p[1] & 0xff) >= 128) {
            // a NAT-PMP server's answer to a version it does not know (RFC 6887 §9)
            if (p.length >= 4 && NatPmpMessages.getShort(p, 2) == NatPmpMessages.UNSUPPORTED_VERSION) {
                throw new NatException(Reason.UNSUPPORTED_VERSION, 1, "the gateway speaks NAT-PMP, not PCP");
            }
        }
        if (p.length < HEADER) {
            throw new NatException(Reason.MALFORMED_PCP, "PCP reply of " + p.length + " bytes is shorter than "
                    + "its 24-byte header");
        }
        if (p.length % 4 != 0) {
            throw new NatException(Reason.MALFORMED_PCP, "PCP reply length " + p.length + " is not a multiple of 4");
        }
        int version = p[0] & 0xff;
        int rOp = p[1] & 0xff;
        int result = p[3] & 0xff;
        if (version != VERSION) {
            if (result == UNSUPP_VERSION) {
                throw new NatException(Reason.UNSUPPORTED_VERSION, result, "the gateway speaks PCP version "
                        + version + ", not 2");
            }
            throw new NatException(Reason.MALFORMED_PCP, "PCP reply has version " + version + ", expected 2");
        }
        if ((rOp & 0x80) == 0) {
            throw new NatException(Reason.MALFORMED_PCP, "PCP packet without the R bit is a request, not a reply");
        }
        if ((rOp & 0x7f) != OPCODE_MAP) {
            throw new NatException(Reason.MALFORMED_PCP, "PCP reply opcode " + (rOp & 0x7f) + ", expected MAP (1)");
        }
        long lifetime = NatPmpMessages.getInt(p, 4);
        long epoch = NatPmpMessages.getInt(p, 8);
        if (p.length < HEADER + MAP_DATA) {
            if (result == SUCCESS) {
                throw new NatException(Reason.MALFORMED_PCP, "successful PCP MAP reply of " + p.length
                        + " bytes lacks the 36 bytes of MAP data");
            }
            return new MapResult(result, lifetime, epoch, null, 0, 0, 0, null);
        }
        checkOptions(p, HEADER + MAP_DATA);
        byte[] nonce = Arrays.copyOfRange(p, 24, 36);
        int protocol = p[36] & 0xff;
        int internal = NatPmpMessages.getShort(p, 40);
        int external = NatPmpMessages.getShort(p, 42);
        InetAddress address = address(Arrays.copyOfRange(p, 44, 60));
        if (result == SUCCESS && (external == 0 || internal == 0)) {
            throw new NatException(Reason.MALFORMED_PCP, "successful PCP MAP reply with port 0");
        }
        return new MapResult(result, lifetime, epoch, nonce, protocol, internal, external, address);
    }

    /** Walks the options after {@code from}: each is 4 bytes of header plus its data padded to 4 bytes. */
    private static void checkOptions(byte[] p, int from) {
        int at = from;
        int count = 0;
        while (at < p.length) {
            if (p.length - at < 4) {
                throw new NatException(Reason.MALFORMED_PCP, "truncated PCP option header at byte " + at);
            }
            int length = NatPmpMessages.getShort(p, at + 2);
            int padded = (length + 3) & ~3;
            if (p.length - at - 4 < padded) {
                throw new NatException(Reason.MALFORMED_PCP, "PCP option at byte " + at + " claims " + length
                        + " bytes, only " + (p.length - at - 4) + " remain");
            }
            at += 4 + padded;
            if (++count > 64) {
                throw new NatException(Reason.MALFORMED_PCP, "more than 64 PCP options");
            }
        }
    }

    /** Throws a typed error unless the result code is SUCCESS. */
    public static MapResult requireSuccess(MapResult r) {
        int code = r.resultCode();
        if (code == SUCCESS) {
            return r;
        }
        if (code == UNSUPP_VERSION) {
            throw new NatException(Reason.UNSUPPORTED_VERSION, code, "the gateway does not speak PCP version 2");
        }
        throw new NatException(Reason.PCP_REFUSED, code, "the gateway refused the PCP MAP request: "
                + resultName(code) + " (" + code + ")");
    }

    /** Names of the result codes of RFC 6887 §7.4. */
    public static String resultName(int code) {
        return switch (code) {
            case 0 -> "SUCCESS";
            case 1 -> "UNSUPP_VERSION";
            case 2 -> "NOT_AUTHORIZED";
            case 3 -> "MALFORMED_REQUEST";
            case 4 -> "UNSUPP_OPCODE";
            case 5 -> "UNSUPP_OPTION";
            case 6 -> "MALFORMED_OPTION";
            case 7 -> "NETWORK_FAILURE";
            case 8 -> "NO_RESOURCES";
            case 9 -> "UNSUPP_PROTOCOL";
            case 10 -> "USER_EX_QUOTA";
            case 11 -> "CANNOT_PROVIDE_EXTERNAL";
            case 12 -> "ADDRESS_MISMATCH";
            case 13 -> "EXCESSIVE_REMOTE_PEERS";
            default -> "unknown result code";
        };
    }

    /** A 16-byte PCP address field: IPv6 as is, IPv4 as {@code ::ffff:a.b.c.d} (§5). */
    public static byte[] address16(InetAddress a) {
        byte[] out = new byte[16];
        byte[] raw = a.getAddress();
        if (raw.length == 4) {
            out[10] = (byte) 0xff;
            out[11] = (byte) 0xff;
            System.arraycopy(raw, 0, out, 12, 4);
        } else {
            System.arraycopy(raw, 0, out, 0, 16);
        }
        return out;
    }

    /** The address a 16-byte field holds: IPv4-mapped addresses become {@link Inet4Address}. */
    public static InetAddress address(byte[] sixteen) {
        try {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= sixteen[i] == 0;
            }
            mapped &= sixteen[10] == (byte) 0xff && sixteen[11] == (byte) 0xff;
            if (mapped) {
                return InetAddress.getByAddress(Arrays.copyOfRange(sixteen, 12, 16));
            }
            return Inet6Address.getByAddress(null, sixteen, null);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
