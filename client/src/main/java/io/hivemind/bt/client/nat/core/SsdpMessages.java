package io.hivemind.bt.client.nat.core;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SSDP (UPnP Device Architecture 1.1 §1.3) for Internet Gateway Device discovery: the multicast {@code M-SEARCH}
 * request and the parser of its unicast replies, which are HTTP/1.1 responses carried in one UDP datagram.
 *
 * <p>Limits: a reply is at most {@link #MAX_DATAGRAM} bytes with at most {@link #MAX_HEADERS} header lines of at
 * most {@link #MAX_LINE} bytes each; anything else is rejected with {@link Reason#TOO_LARGE} or
 * {@link Reason#MALFORMED_SSDP}. A reply's {@code LOCATION} must be a plain {@code http} URL whose host is the
 * address the datagram came from ({@link #checkLocation}): a LAN device cannot send us to fetch a description from
 * another host. Pure and stateless; thread-safe.
 */
public final class SsdpMessages {
    /** The SSDP multicast group and port. */
    public static final String MULTICAST_ADDRESS = "239.255.255.250";
    public static final int PORT = 1900;
    /** Search targets we send: IGD version 1 and 2 (a v2 device also answers v1 searches). */
    public static final String IGD_V1 = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
    public static final String IGD_V2 = "urn:schemas-upnp-org:device:InternetGatewayDevice:2";
    public static final int MAX_DATAGRAM = 8192;
    public static final int MAX_HEADERS = 64;
    public static final int MAX_LINE = 1024;

    private SsdpMessages() {
    }

    /** A discovery reply. Header names are lower case; {@code st} and {@code usn} may be empty. */
    public record Response(URI location, String st, String usn, String server, Map<String, String> headers) {
        public Response {
            headers = Map.copyOf(headers);
        }
    }

    /** The {@code M-SEARCH} datagram for search target {@code st}, asking devices to answer within {@code mx} s. */
    public static byte[] mSearch(String st, int mx) {
        if (mx < 1 || mx > 5) {
            throw new IllegalArgumentException("MX must be 1..5: " + mx);
        }
        String s = "M-SEARCH * HTTP/1.1\r\n"
                + "HOST: " + MULTICAST_ADDRESS + ":" + PORT + "\r\n"
                + "ST: " + st + "\r\n"
                + "MAN: \"ssdp:discover\"\r\n"
                + "MX: " + mx + "\r\n"
                + "\r\n";
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses one reply datagram; throws {@link NatException} with a typed reason for anything malformed. */
    public static Response parseResponse(byte[] datagram) {
        if (datagram.length > MAX_DATAGRAM) {
            throw new NatException(Reason.TOO_LARGE, "SSDP reply of " + datagram.length + " bytes exceeds "
                    + MAX_DATAGRAM);
        }
        int pos = 0;
        int lineNo = 0;
        String status = null;
        Map<String, String> headers = new LinkedHashMap<>();
        boolean ended = false;
        while (pos < datagram.length) {
            int end = pos;
            while (end < datagram.length && datagram[end] != '\n') {
                end++;
            }
            int lineEnd = end > pos && datagram[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd - pos > MAX_LINE) {
                throw new NatException(Reason.MALFORMED_SSDP, "SSDP line " + (lineNo + 1) + " is longer than "
                        + MAX_LINE + " bytes");
            }
            String line = ascii(datagram, pos, lineEnd, lineNo);
            pos = end + 1;
            if (lineNo++ == 0) {
                status = line;
                continue;
            }
            if (line.isEmpty()) {
                ended = true;
                break;
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new NatException(Reason.TOO_LARGE, "SSDP reply has more than " + MAX_HEADERS + " headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new NatException(Reason.MALFORMED_SSDP, "SSDP header line without a name: " + clip(line));
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || name.indexOf(' ') >= 0) {
                throw new NatException(Reason.MALFORMED_SSDP, "bad SSDP header name: " + clip(line));
            }
            headers.putIfAbsent(name, line.substring(colon + 1).trim());
        }
        if (status == null) {
            throw new NatException(Reason.MALFORMED_SSDP, "empty SSDP reply");
        }
        if (!ended) {
            throw new NatException(Reason.MALFORMED_SSDP, "SSDP reply has no blank line ending its headers");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new NatException(Reason.MALFORMED_SSDP, "not an HTTP status line: " + clip(status));
        }
        if (!parts[1].equals("200")) {
            throw new NatException(Reason.MALFORMED_SSDP, "SSDP reply status " + clip(parts[1]) + ", expected 200");
        }
        String location = headers.get("location");
        if (location == null || location.isEmpty()) {
            throw new NatException(Reason.MALFORMED_SSDP, "SSDP reply without LOCATION");
        }
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw new NatException(Reason.BAD_URL, 0, "SSDP LOCATION is not a URL: " + clip(location), e);
        }
        checkHttpUrl(uri, "LOCATION");
        return new Response(uri, headers.getOrDefault("st", ""), headers.getOrDefault("usn", ""),
                headers.getOrDefault("server", ""), headers);
    }

    /** True if the reply is from an Internet Gateway Device (its ST names IGD v1 or v2). */
    public static boolean isIgd(Response r) {
        return r.st().startsWith("urn:schemas-upnp-org:device:InternetGatewayDevice:");
    }

    /**
     * Requires the {@code LOCATION} host to be the IP address the reply came from (a device may only point at
     * itself). Throws {@link Reason#BAD_URL} otherwise.
     */
    public static void checkLocation(Response r, InetAddress sender) {
        String host = r.location().getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress locationHost = IpLiteral.parse(host);
        if (locationHost == null || !locationHost.equals(sender)) {
            throw new NatException(Reason.BAD_URL, "SSDP LOCATION " + clip(r.location().toString())
                    + " points at another host than the device that answered (" + sender.getHostAddress() + ")");
        }
    }

    /** Requires a plain http URL with a host and a port in range. */
    static void checkHttpUrl(URI uri, String what) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawAuthority() == null
                || uri.getRawUserInfo() != null || uri.getPort() > 65535) {
            throw new NatException(Reason.BAD_URL, what + " is not a plain http URL with a host: "
                    + clip(uri.toString()));
        }
    }

    private static String ascii(byte[] b, int from, int to, int lineNo) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 && c != '\t' || c >= 0x7f) {
                throw new NatException(Reason.MALFORMED_SSDP, "SSDP line " + (lineNo + 1)
                        + " holds a control or non-ASCII byte 0x" + Integer.toHexString(c));
            }
        }
        return new String(b, from, to - from, StandardCharsets.US_ASCII);
    }

    static String clip(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
