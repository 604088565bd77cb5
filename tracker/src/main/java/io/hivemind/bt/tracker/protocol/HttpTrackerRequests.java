package io.hivemind.bt.tracker.protocol;

import io.hivemind.bt.tracker.AnnounceEvent;
import io.hivemind.bt.tracker.AnnounceRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds HTTP tracker request URLs (client side): the announce query of BEP 3 with {@code compact=1} (BEP 23),
 * {@code key} (BEP 7) and {@code trackerid}, and the BEP 48 scrape query. Existing query parameters in the tracker
 * URL (passkeys) are kept. Stateless and thread-safe.
 */
public final class HttpTrackerRequests {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private HttpTrackerRequests() {
    }

    /** The full announce URL for {@code request} sent to {@code announce}. */
    public static URI announceUri(URI announce, AnnounceRequest request) {
        StringBuilder sb = base(announce);
        byte[] buf = new byte[20];
        request.copyInfoHash(buf, 0);
        sb.append("info_hash=");
        percentEncode(buf, sb);
        request.copyPeerId(buf, 0);
        sb.append("&peer_id=");
        percentEncode(buf, sb);
        sb.append("&port=").append(request.port())
                .append("&uploaded=").append(request.uploaded())
                .append("&downloaded=").append(request.downloaded())
                .append("&left=").append(request.left())
                .append("&compact=1&no_peer_id=1");
        if (request.event() != AnnounceEvent.NONE) {
            sb.append("&event=").append(request.event().httpName());
        }
        if (request.numWant() != AnnounceRequest.NUMWANT_DEFAULT) {
            sb.append("&numwant=").append(request.numWant());
        }
        sb.append("&key=").append(String.format("%08x", request.key()));
        if (request.trackerId() != null) {
            sb.append("&trackerid=");
            percentEncode(request.trackerId().getBytes(StandardCharsets.UTF_8), sb);
        }
        return URI.create(sb.toString());
    }

    /** The scrape URL for {@code infoHashes} at an already derived {@code scrape} URL (see {@link TrackerUrls}). */
    public static URI scrapeUri(URI scrape, List<byte[]> infoHashes) {
        StringBuilder sb = base(scrape);
        boolean first = true;
        for (byte[] h : infoHashes) {
            if (h.length != 20) {
                throw new IllegalArgumentException("info-hash must be 20 bytes");
            }
            if (!first) {
                sb.append('&');
            }
            first = false;
            sb.append("info_hash=");
            percentEncode(h, sb);
        }
        return URI.create(sb.toString());
    }

    private static StringBuilder base(URI uri) {
        String s = uri.toString();
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        StringBuilder sb = new StringBuilder(s.length() + 200).append(s);
        if (uri.getRawQuery() == null) {
            sb.append('?');
        } else if (!s.endsWith("&") && !s.endsWith("?")) {
            sb.append('&');
        }
        return sb;
    }

    /** Percent-encodes raw bytes: RFC 3986 unreserved characters stay as they are, everything else is %XX. */
    public static void percentEncode(byte[] bytes, StringBuilder out) {
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append((char) HEX[c >>> 4]).append((char) HEX[c & 15]);
            }
        }
    }
}
