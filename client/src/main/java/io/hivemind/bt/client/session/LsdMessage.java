package io.hivemind.bt.client.session;

import io.hivemind.bt.client.session.LsdException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A BEP 14 Local Service Discovery announce: an HTTP-like {@code BT-SEARCH} request sent by UDP multicast, naming
 * the sender's TCP listen port and one or more info-hashes.
 *
 * <pre>
 * BT-SEARCH * HTTP/1.1\r\n
 * Host: 239.192.152.143:6771\r\n
 * Port: 6881\r\n
 * Infohash: 0123456789abcdef0123456789abcdef01234567\r\n
 * cookie: 5f0a1c2e\r\n
 * \r\n
 * \r\n
 * </pre>
 *
 * <h2>Implementation note</h2>
 * The parser is a single forward pass over the bytes (no regular expressions, no recursion), with hard limits: a
 * packet of at most {@value #MAX_PACKET} bytes, at most {@value #MAX_HEADERS} header lines and at most
 * {@value #MAX_INFO_HASHES} info-hashes. As HTTP asks, header names are case-insensitive, unknown headers are
 * ignored, and lines may end in CRLF or a bare LF; the header block ends at the first empty line or at the end of
 * the packet (libtorrent sends an extra CRLF after the blank line; anything after it is ignored). Like libtorrent,
 * a malformed or all-zero {@code Infohash} is skipped rather than failing the whole packet, and only the first
 * {@code Port} counts. A {@code cookie} longer than {@value #MAX_COOKIE} characters cannot be one of ours and is
 * dropped. Refusals are {@link LsdException}s with a {@link Reason} and the offset.
 *
 * <p>Immutable and thread-safe; holds no buffers.
 */
final class LsdMessage {
    /** Longest datagram parsed (one Ethernet MTU). */
    static final int MAX_PACKET = 1500;
    /** Longest datagram we send: BEP 14 asks for at most 1400 bytes to avoid fragmentation. */
    static final int MAX_SEND = 1400;
    /** Most header lines read. */
    static final int MAX_HEADERS = 40;
    /** Most {@code Infohash} headers accepted in one packet (1400 bytes hold about 26). */
    static final int MAX_INFO_HASHES = 32;
    /** Longest cookie kept. */
    static final int MAX_COOKIE = 64;
    /** Longest {@code Host} value kept. */
    static final int MAX_HOST = 64;
    /** The {@code Host} value for the IPv4 group (BEP 14 "A"). */
    static final String HOST4 = "239.192.152.143:6771";
    /** The {@code Host} value for the IPv6 group (BEP 14 "B"). */
    static final String HOST6 = "[ff15::efc0:988f]:6771";

    private static final byte[] METHOD = "BT-SEARCH".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private final byte[][] infoHashes;
    private final String cookie;

    private LsdMessage(String host, int port, byte[][] infoHashes, String cookie) {
        this.host = host;
        this.port = port;
        this.infoHashes = infoHashes;
        this.cookie = cookie;
    }

    /** The sender's TCP listen port, 1…65535. */
    int port() {
        return port;
    }

    /** The {@code Host} header, or null if absent or too long. */
    String host() {
        return host;
    }

    /** The {@code cookie} header, or null. */
    String cookie() {
        return cookie;
    }

    /** How many info-hashes the packet names (at least one). */
    int infoHashCount() {
        return infoHashes.length;
    }

    /** The {@code i}th info-hash (20 bytes, a copy). */
    byte[] infoHash(int i) {
        return infoHashes[i].clone();
    }

    /** Every info-hash (copies). */
    List<byte[]> infoHashes() {
        List<byte[]> out = new ArrayList<>(infoHashes.length);
        for (byte[] h : infoHashes) {
            out.add(h.clone());
        }
        return out;
    }

    /**
     * Parses one datagram's bytes {@code [offset, offset + length)}.
     *
     * @throws LsdException if the packet is not a usable BT-SEARCH announce
     */
    static LsdMessage parse(byte[] packet, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, packet.length);
        if (length > MAX_PACKET) {
            throw new LsdException(Reason.TOO_LONG, MAX_PACKET, length + " bytes, limit " + MAX_PACKET);
        }
        int end = offset + length;
        int lineEnd = lineEnd(packet, offset, end);
        if (!startsWithMethod(packet, offset, lineEnd)) {
            throw new LsdException(Reason.NOT_BT_SEARCH, 0, "not a BT-SEARCH request");
        }
        int pos = next(packet, lineEnd, end);
        int headers = 0;
        int port = -1;
        String host = null;
        String cookie = null;
        List<byte[]> hashes = new ArrayList<>();
        int hashHeaders = 0;
        while (pos < end) {
            lineEnd = lineEnd(packet, pos, end);
            if (lineEnd == pos) {
                break; // blank line: end of the headers
            }
            if (++headers > MAX_HEADERS) {
                throw new LsdException(Reason.TOO_MANY_HEADERS, pos - offset, "more than " + MAX_HEADERS + " headers");
            }
            int colon = indexOf(packet, pos, lineEnd, (byte) ':');
            if (colon < 0) {
                throw new LsdException(Reason.BAD_HEADER, pos - offset, "header line without a colon");
            }
            int nameStart = skipSpace(packet, pos, colon);
            int nameEnd = trimEnd(packet, nameStart, colon);
            int valueStart = skipSpace(packet, colon + 1, lineEnd);
            int valueEnd = trimEnd(packet, valueStart, lineEnd);
            if (nameIs(packet, nameStart, nameEnd, "port")) {
                if (port < 0) {
                    port = parsePort(packet, valueStart, valueEnd, valueStart - offset);
                }
            } else if (nameIs(packet, nameStart, nameEnd, "infohash")) {
                if (++hashHeaders > MAX_INFO_HASHES) {
                    throw new LsdException(Reason.TOO_MANY_INFO_HASHES, pos - offset,
                            "more than " + MAX_INFO_HASHES + " info-hashes");
                }
                byte[] h = parseHash(packet, valueStart, valueEnd);
                if (h != null && !contains(hashes, h)) {
                    hashes.add(h);
                }
            } else if (nameIs(packet, nameStart, nameEnd, "cookie")) {
                if (cookie == null && valueEnd - valueStart <= MAX_COOKIE) {
                    cookie = new String(packet, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
                }
            } else if (nameIs(packet, nameStart, nameEnd, "host")) {
                if (host == null && valueEnd - valueStart <= MAX_HOST) {
                    host = new String(packet, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
                }
            }
            pos = next(packet, lineEnd, end);
        }
        if (port < 0) {
            throw new LsdException(Reason.MISSING_PORT, pos - offset, "no Port header");
        }
        if (hashes.isEmpty()) {
            throw new LsdException(Reason.NO_INFO_HASH, pos - offset, "no usable Infohash header");
        }
        return new LsdMessage(host, port, hashes.toArray(byte[][]::new), cookie);
    }

    /**
     * Encodes an announce. {@code host} is {@link #HOST4} or {@link #HOST6}; {@code cookie} (nullable) must be a
     * short token without spaces or line breaks.
     *
     * @throws IllegalArgumentException on a bad port, hash or cookie, no hashes, or a packet over {@link #MAX_SEND}
     */
    static byte[] encode(String host, int port, List<byte[]> infoHashes, String cookie) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        if (infoHashes.isEmpty() || infoHashes.size() > MAX_INFO_HASHES) {
            throw new IllegalArgumentException(infoHashes.size() + " info-hashes");
        }
        checkToken(host, MAX_HOST, "host");
        if (cookie != null) {
            checkToken(cookie, MAX_COOKIE, "cookie");
        }
        StringBuilder sb = new StringBuilder(128 + 52 * infoHashes.size());
        sb.append("BT-SEARCH * HTTP/1.1\r\nHost: ").append(host).append("\r\nPort: ").append(port).append("\r\n");
        for (byte[] h : infoHashes) {
            if (h.length != 20) {
                throw new IllegalArgumentException("info-hash of " + h.length + " bytes");
            }
            sb.append("Infohash: ").append(io.hivemind.bt.wire.internal.Hex.encode(h)).append("\r\n");
        }
        if (cookie != null) {
            sb.append("cookie: ").append(cookie).append("\r\n");
        }
        sb.append("\r\n\r\n");
        byte[] out = sb.toString().getBytes(StandardCharsets.US_ASCII);
        if (out.length > MAX_SEND) {
            throw new IllegalArgumentException("announce of " + out.length + " bytes, limit " + MAX_SEND);
        }
        return out;
    }

    /** How many info-hashes fit in one packet of at most {@link #MAX_SEND} bytes with this host and cookie. */
    static int capacity(String host, String cookie) {
        int fixed = "BT-SEARCH * HTTP/1.1\r\nHost: \r\nPort: 65535\r\n\r\n\r\n".length() + host.length()
                + (cookie == null ? 0 : "cookie: \r\n".length() + cookie.length());
        int perHash = "Infohash: \r\n".length() + 40;
        return Math.max(0, Math.min(MAX_INFO_HASHES, (MAX_SEND - fixed) / perHash));
    }

    private static void checkToken(String s, int max, String what) {
        if (s.isEmpty() || s.length() > max) {
            throw new IllegalArgumentException(what + " of " + s.length() + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException(what + " contains character " + (int) c);
            }
        }
    }

    /** End of the line starting at {@code from}: the index of its CR (of CRLF) or LF, or {@code end}. */
    private static int lineEnd(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') {
                return i > from && b[i - 1] == '\r' ? i - 1 : i;
            }
        }
        return end;
    }

    /** Start of the next line after a line ending at {@code lineEnd}. */
    private static int next(byte[] b, int lineEnd, int end) {
        if (lineEnd < end && b[lineEnd] == '\r') {
            lineEnd++;
        }
        return Math.min(end, lineEnd + 1);
    }

    private static boolean startsWithMethod(byte[] b, int from, int lineEnd) {
        if (lineEnd - from < METHOD.length) {
            return false;
        }
        for (int i = 0; i < METHOD.length; i++) {
            if (Character.toUpperCase((char) (b[from + i] & 0xff)) != METHOD[i]) {
                return false;
            }
        }
        return lineEnd - from == METHOD.length || b[from + METHOD.length] == ' ';
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int skipSpace(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimEnd(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t' || b[to - 1] == '\r')) {
            to--;
        }
        return to;
    }

    private static boolean nameIs(byte[] b, int from, int to, String lowerName) {
        if (to - from != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            if (Character.toLowerCase((char) (b[from + i] & 0xff)) != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int parsePort(byte[] b, int from, int to, int at) {
        if (to - from < 1 || to - from > 5) {
            throw new LsdException(Reason.BAD_PORT, at, "bad Port value");
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new LsdException(Reason.BAD_PORT, at, "bad Port value");
            }
            v = v * 10 + d;
        }
        if (v < 1 || v > 65535) {
            throw new LsdException(Reason.BAD_PORT, at, "Port " + v + " out of range");
        }
        return v;
    }

    /** 40 hex digits as 20 bytes; null if malformed or all zero (skipped, as libtorrent does). */
    private static byte[] parseHash(byte[] b, int from, int to) {
        if (to - from != 40) {
            return null;
        }
        byte[] out = new byte[20];
        boolean nonZero = false;
        for (int i = 0; i < 20; i++) {
            int hi = Character.digit((char) (b[from + 2 * i] & 0xff), 16);
            int lo = Character.digit((char) (b[from + 2 * i + 1] & 0xff), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
            nonZero |= out[i] != 0;
        }
        return nonZero ? out : null;
    }

    private static boolean contains(List<byte[]> list, byte[] h) {
        for (byte[] x : list) {
            if (Arrays.equals(x, h)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "LsdMessage[port " + port + ", " + infoHashes.length + " info-hashes, cookie " + cookie + "]";
    }
}
