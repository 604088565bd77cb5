package io.hivemind.bt.wire.magnet;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.magnet.MagnetException.Reason;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.PathSanitizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A magnet link (BEP 9): the info-hash(es) of a torrent and hints to find it, in the form
 * {@code magnet:?xt=urn:btih:<hex|base32>&xt=urn:btmh:1220<hex>&dn=<name>&tr=<tracker>&ws=<web seed>&x.pe=<peer>&so=<indices>}.
 *
 * <p>Parsing ({@link #parse}) accepts the v1 info-hash as 40 hex or 32 base32 characters, the v2 info-hash as a
 * SHA2-256 multihash ({@code 1220} + 64 hex, BEP 52), both at once for a hybrid torrent, percent-escapes and
 * {@code +} for space in every value, numbered keys ({@code xt.1}, {@code tr.2}…) as their plain form, and keeps
 * parameters it does not know (in order) so that {@link #format()} writes them back. Other URNs in {@code xt}
 * ({@code urn:sha1:…} for other networks) are kept the same way. Formatting writes the parameters in the order
 * above, escaping everything but RFC 3986's unreserved characters; {@code parse(link.format())} equals
 * {@code link}.
 *
 * <p>{@code dn} is only a display hint: use {@link #safeDisplayName()} before creating anything from it.
 *
 * @param infoHashes  v1, v2 or both
 * @param displayName the {@code dn} parameter, or null
 * @param trackers    {@code tr} URLs in order, duplicates removed (all in one tier)
 * @param webSeeds    BEP 19 {@code ws} URLs
 * @param peers       {@code x.pe} peer addresses
 * @param selectOnly  BEP 53 {@code so} file index ranges (empty: no selection, download everything)
 * @param extra       other parameters, in order
 */
public record MagnetLink(InfoHashes infoHashes, String displayName, List<String> trackers, List<String> webSeeds,
                         List<PeerAddress> peers, List<IndexRange> selectOnly, List<Parameter> extra) {

    /** The longest link accepted, in characters. */
    public static final int MAX_LENGTH = 64 * 1024;

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public MagnetLink {
        Objects.requireNonNull(infoHashes, "infoHashes");
        trackers = List.copyOf(trackers);
        webSeeds = List.copyOf(webSeeds);
        peers = List.copyOf(peers);
        selectOnly = List.copyOf(selectOnly);
        extra = List.copyOf(extra);
    }

    /** A {@code host:port} peer hint ({@code x.pe}); an IPv6 literal host is kept without brackets. */
    public record PeerAddress(String host, int port) {
        public PeerAddress {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("bad peer address " + host + ":" + port);
            }
        }

        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** An inclusive range of file indices ({@code first <= last}). */
    public record IndexRange(int first, int last) {
        public IndexRange {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("bad range " + first + "-" + last);
            }
        }

        public boolean contains(int index) {
            return index >= first && index <= last;
        }

        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + "-" + last;
        }
    }

    /** A parameter this class does not interpret, kept for {@link #format()}. */
    public record Parameter(String key, String value) {
        public Parameter {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A link with just the info-hashes. */
    public static MagnetLink of(InfoHashes infoHashes) {
        return new MagnetLink(infoHashes, null, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** The link for a torrent: its info-hashes, name, trackers (all tiers, in order) and web seeds. */
    public static MagnetLink of(Metainfo metainfo) {
        List<String> trackers = new ArrayList<>();
        for (List<String> tier : metainfo.announceTiers()) {
            for (String url : tier) {
                if (!trackers.contains(url)) {
                    trackers.add(url);
                }
            }
        }
        return new MagnetLink(metainfo.infoHashes(), metainfo.info().name(), trackers, metainfo.urlList(), List.of(),
                List.of(), List.of());
    }

    /** The display name made safe to use as a file or directory name, or null when there is none or nothing is left. */
    public String safeDisplayName() {
        if (displayName == null) {
            return null;
        }
        String s = PathSanitizer.sanitizeComponent(displayName);
        return s.isEmpty() ? null : s;
    }

    /** True if BEP 53 selects file {@code index} (always true without a selection). */
    public boolean isSelected(int index) {
        if (selectOnly.isEmpty()) {
            return true;
        }
        for (IndexRange r : selectOnly) {
            if (r.contains(index)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses a magnet link.
     *
     * @throws MagnetException with a {@link Reason} if it is not a usable magnet link
     */
    public static MagnetLink parse(String uri) {
        if (uri == null) {
            throw new MagnetException(Reason.NOT_A_MAGNET, "no magnet link");
        }
        if (uri.length() > MAX_LENGTH) {
            throw new MagnetException(Reason.TOO_LONG, "a magnet link of " + uri.length()
                    + " characters is longer than the limit of " + MAX_LENGTH);
        }
        String s = uri.strip();
        if (!s.regionMatches(true, 0, "magnet:?", 0, 8)) {
            throw new MagnetException(Reason.NOT_A_MAGNET, "not a magnet link (it must start with 'magnet:?')");
        }
        byte[] v1 = null;
        byte[] v2 = null;
        String dn = null;
        List<String> trackers = new ArrayList<>();
        List<String> webSeeds = new ArrayList<>();
        List<PeerAddress> peers = new ArrayList<>();
        List<IndexRange> select = new ArrayList<>();
        List<Parameter> extra = new ArrayList<>();
        int fragment = s.indexOf('#');
        String query = s.substring(8, fragment >= 0 ? fragment : s.length());
        for (String part : query.split("&", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String rawKey = eq >= 0 ? part.substring(0, eq) : part;
            String value = decode(eq >= 0 ? part.substring(eq + 1) : "");
            String key = baseKey(decode(rawKey));
            if (key.isEmpty()) {
                throw new MagnetException(Reason.BAD_PARAMETER, "a parameter without a name");
            }
            switch (key) {
                case "xt" -> {
                    String lower = value.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("urn:btih:")) {
                        byte[] h = btih(value.substring(9));
                        if (v1 != null && !Arrays.equals(v1, h)) {
                            throw new MagnetException(Reason.CONFLICTING_INFO_HASH, "two different btih info-hashes");
                        }
                        v1 = h;
                    } else if (lower.startsWith("urn:btmh:")) {
                        byte[] h = btmh(value.substring(9));
                        if (v2 != null && !Arrays.equals(v2, h)) {
                            throw new MagnetException(Reason.CONFLICTING_INFO_HASH, "two different btmh info-hashes");
                        }
                        v2 = h;
                    } else {
                        extra.add(new Parameter(decode(rawKey), value));
                    }
                }
                case "dn" -> {
                    if (dn == null) {
                        dn = value;
                    }
                }
                case "tr" -> addUrl(trackers, value, "tr");
                case "ws" -> addUrl(webSeeds, value, "ws");
                case "x.pe" -> peers.add(peer(value));
                case "so" -> select.addAll(selectOnly(value));
                default -> extra.add(new Parameter(decode(rawKey), value));
            }
        }
        if (v1 == null && v2 == null) {
            throw new MagnetException(Reason.MISSING_INFO_HASH, "no urn:btih or urn:btmh info-hash (xt)");
        }
        return new MagnetLink(InfoHashes.of(v1, v2), dn, trackers, webSeeds, peers, select, extra);
    }

    /** {@code xt.1} → {@code xt}: numbered parameters are treated as their plain form. */
    private static String baseKey(String key) {
        int dot = key.lastIndexOf('.');
        if (dot > 0 && dot < key.length() - 1) {
            for (int i = dot + 1; i < key.length(); i++) {
                if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                    return key;
                }
            }
            return key.substring(0, dot);
        }
        return key;
    }

    private static void addUrl(List<String> list, String value, String key) {
        String url = value.strip();
        if (url.isEmpty()) {
            return;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c < 0x20 || c == 0x7f || c == ' ') {
                throw new MagnetException(Reason.BAD_PARAMETER, key + " URL with a space or control character");
            }
        }
        if (!list.contains(url)) {
            list.add(url);
        }
    }

    private static byte[] btih(String s) {
        if (s.length() == 40) {
            try {
                return Hex.decode(s);
            } catch (IllegalArgumentException e) {
                throw new MagnetException(Reason.BAD_INFO_HASH, "btih info-hash is not hex: " + s);
            }
        }
        if (s.length() == 32) {
            return base32(s);
        }
        throw new MagnetException(Reason.BAD_INFO_HASH,
                "btih info-hash must be 40 hex or 32 base32 characters, not " + s.length());
    }

    private static byte[] base32(String s) {
        byte[] out = new byte[20];
        long buffer = 0;
        int bits = 0;
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            int v = BASE32.indexOf(Character.toUpperCase(s.charAt(i)));
            if (v < 0) {
                throw new MagnetException(Reason.BAD_INFO_HASH, "btih info-hash is not base32: " + s);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[k++] = (byte) (buffer >>> bits);
            }
        }
        return out;
    }

    private static byte[] btmh(String s) {
        byte[] mh;
        try {
            mh = Hex.decode(s);
        } catch (IllegalArgumentException e) {
            throw new MagnetException(Reason.BAD_INFO_HASH, "btmh info-hash is not hex");
        }
        if (mh.length < 2) {
            throw new MagnetException(Reason.BAD_INFO_HASH, "btmh info-hash is too short for a multihash");
        }
        if ((mh[0] & 0xff) != 0x12) {
            throw new MagnetException(Reason.UNSUPPORTED_HASH, String.format(
                    "btmh multihash function 0x%02x is not SHA2-256 (0x12)", mh[0] & 0xff));
        }
        if ((mh[1] & 0xff) != 32 || mh.length != 34) {
            throw new MagnetException(Reason.BAD_INFO_HASH, "btmh SHA2-256 multihash must hold 32 bytes");
        }
        return Arrays.copyOfRange(mh, 2, 34);
    }

    private static PeerAddress peer(String s) {
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new MagnetException(Reason.BAD_PEER, "bad x.pe peer '" + s + "'");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw new MagnetException(Reason.BAD_PEER, "bracketed x.pe host is not IPv6: '" + s + "'");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new MagnetException(Reason.BAD_PEER, "x.pe peer is not host:port: '" + s + "'");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '_' || c == '%')) {
                throw new MagnetException(Reason.BAD_PEER, "x.pe host with character '" + c + "'");
            }
        }
        int p = number(port, Reason.BAD_PEER);
        if (host.isEmpty() || p < 1 || p > 65535) {
            throw new MagnetException(Reason.BAD_PEER, "bad x.pe peer '" + s + "'");
        }
        return new PeerAddress(host, p);
    }

    private static List<IndexRange> selectOnly(String s) {
        List<IndexRange> out = new ArrayList<>();
        for (String item : s.split(",", -1)) {
            if (item.isEmpty()) {
                throw new MagnetException(Reason.BAD_SELECT, "empty entry in so=" + s);
            }
            int dash = item.indexOf('-');
            int first = number(dash >= 0 ? item.substring(0, dash) : item, Reason.BAD_SELECT);
            int last = dash >= 0 ? number(item.substring(dash + 1), Reason.BAD_SELECT) : first;
            if (last < first) {
                throw new MagnetException(Reason.BAD_SELECT, "descending range " + item + " in so");
            }
            out.add(new IndexRange(first, last));
        }
        return out;
    }

    private static int number(String s, Reason reason) {
        if (s.isEmpty() || s.length() > 10) {
            throw new MagnetException(reason, "not a number: '" + s + "'");
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new MagnetException(reason, "not a number: '" + s + "'");
            }
            v = v * 10 + (c - '0');
        }
        if (v > Integer.MAX_VALUE) {
            throw new MagnetException(reason, "number too large: " + s);
        }
        return (int) v;
    }

    /**
     * Percent-decoding with '+' as space; the bytes are UTF-8 (malformed sequences become U+FFFD, and a lone
     * surrogate in the input becomes '?', so every decoded value survives {@link #format()}).
     */
    private static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            byte b = utf8[i];
            if (b == '%') {
                if (i + 2 >= utf8.length) {
                    throw new MagnetException(Reason.BAD_ESCAPE, "truncated %-escape");
                }
                int hi = Character.digit(utf8[i + 1], 16);
                int lo = Character.digit(utf8[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new MagnetException(Reason.BAD_ESCAPE, "bad %-escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (b == '+') {
                out.write(' ');
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The link as a URI; {@code parse(format())} equals this link. */
    public String format() {
        StringBuilder sb = new StringBuilder("magnet:?");
        boolean first = true;
        if (infoHashes.hasV1()) {
            first = param(sb, first, "xt", "urn:btih:" + infoHashes.v1Hex(), false);
        }
        if (infoHashes.hasV2()) {
            first = param(sb, first, "xt", "urn:btmh:1220" + infoHashes.v2Hex(), false);
        }
        if (displayName != null) {
            first = param(sb, first, "dn", displayName, true);
        }
        for (String t : trackers) {
            first = param(sb, first, "tr", t, true);
        }
        for (String w : webSeeds) {
            first = param(sb, first, "ws", w, true);
        }
        for (PeerAddress p : peers) {
            // unescaped: libtorrent does not unescape x.pe, and a valid address needs no escaping
            first = param(sb, first, "x.pe", p.toString(), !isPlainPeer(p.toString()));
        }
        if (!selectOnly.isEmpty()) {
            StringBuilder so = new StringBuilder();
            for (IndexRange r : selectOnly) {
                if (!so.isEmpty()) {
                    so.append(',');
                }
                so.append(r);
            }
            first = param(sb, first, "so", so.toString(), false);
        }
        for (Parameter p : extra) {
            sb.append(first ? "" : "&").append(encode(p.key())).append('=').append(encode(p.value()));
            first = false;
        }
        return sb.toString();
    }

    private static boolean isPlainPeer(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == ':' || c == '[' || c == ']' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean param(StringBuilder sb, boolean first, String key, String value, boolean escape) {
        sb.append(first ? "" : "&").append(key).append('=').append(escape ? encode(value) : value);
        return false;
    }

    private static String encode(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
