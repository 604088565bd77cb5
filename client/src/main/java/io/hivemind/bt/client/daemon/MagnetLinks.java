package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.daemon.http.ApiException;
import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the identity of a magnet link (BEP 9 {@code xt=urn:btih:}, BEP 52 {@code xt=urn:btmh:1220…}) and its
 * {@code dn}, so the daemon can recognise duplicates and name the torrent before the session has parsed the link.
 * The session does the real parsing. Stateless.
 */
public final class MagnetLinks {
    private static final int MAX_LENGTH = 64 * 1024;

    private MagnetLinks() {
    }

    /** The link's info-hashes; {@link ApiException} 400 when it has none or is malformed. */
    public static InfoHashes infoHashes(String magnet) {
        if (magnet == null || magnet.length() > MAX_LENGTH || !magnet.regionMatches(true, 0, "magnet:?", 0, 8)) {
            throw new ApiException(400, "not a magnet link");
        }
        byte[] v1 = null;
        byte[] v2 = null;
        for (String param : magnet.substring(8).split("&")) {
            int eq = param.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = param.substring(0, eq);
            if (!(key.equals("xt") || key.matches("xt\\.\\d{1,3}"))) {
                continue;
            }
            String v = param.substring(eq + 1).toLowerCase(Locale.ROOT);
            if (v.startsWith("urn:btih:")) {
                String h = v.substring(9);
                if (h.matches("[0-9a-f]{40}")) {
                    v1 = Hex.decode(h);
                } else if (h.matches("[a-z2-7]{32}")) {
                    v1 = base32(h.toUpperCase(Locale.ROOT));
                } else {
                    throw new ApiException(400, "bad btih in magnet link");
                }
            } else if (v.startsWith("urn:btmh:1220")) {
                String h = v.substring(13);
                if (!h.matches("[0-9a-f]{64}")) {
                    throw new ApiException(400, "bad btmh in magnet link");
                }
                v2 = Hex.decode(h);
            }
        }
        if (v1 == null && v2 == null) {
            throw new ApiException(400, "magnet link without an info-hash");
        }
        return InfoHashes.of(v1, v2);
    }

    /** The {@code dn} display name, or null. */
    public static String displayName(String magnet) {
        for (String param : magnet.substring(Math.min(8, magnet.length())).split("&")) {
            if (param.startsWith("dn=")) {
                try {
                    return URLDecoder.decode(param.substring(3), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** A magnet link for a torrent: its hashes, name and trackers. */
    public static String of(InfoHashes h, String name, java.util.List<String> trackers) {
        StringBuilder sb = new StringBuilder("magnet:?");
        boolean first = true;
        if (h.hasV1()) {
            sb.append("xt=urn:btih:").append(h.v1Hex());
            first = false;
        }
        if (h.hasV2()) {
            sb.append(first ? "" : "&").append("xt=urn:btmh:1220").append(h.v2Hex());
        }
        if (name != null) {
            sb.append("&dn=").append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        for (String t : trackers) {
            sb.append("&tr=").append(java.net.URLEncoder.encode(t, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private static byte[] base32(String s) {
        byte[] out = new byte[20];
        long buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int v = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
            buffer = buffer << 5 | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }
}
