package io.hivemind.bt.tracker.protocol;

import io.hivemind.bt.tracker.AnnounceEvent;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the query string of HTTP {@code /announce} and {@code /scrape} requests (server side; BEP 3, BEP 23,
 * BEP 48).
 *
 * <p>Implementation note: one pass over the characters with no splitting and no intermediate strings for the
 * binary parameters; {@code info_hash} and {@code peer_id} are percent-decoded straight into 20-byte arrays.
 * Limits: {@link #MAX_QUERY_LENGTH} characters, {@link #MAX_PARAMETERS} parameters, exactly 20 bytes for the
 * hashes, 64 characters for {@code ip} and numbers. {@code +} is taken literally (RFC 3986), not as a space.
 * Unknown parameters are skipped. Every violation is a {@link TrackerException} with {@link Reason#BAD_REQUEST}
 * and the offset in the query. Stateless and thread-safe.
 */
public final class HttpTrackerQueryParser {
    public static final int MAX_QUERY_LENGTH = 4096;
    public static final int MAX_PARAMETERS = 64;
    private static final int MAX_TEXT = 64;

    private HttpTrackerQueryParser() {
    }

    /** The path of a request target ({@code /announce?x=y} gives {@code /announce}). */
    public static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** The raw query of a request target, or the empty string. */
    public static String query(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q + 1);
    }

    /** Parses an announce query (the part after {@code ?}). */
    public static AnnounceQuery parseAnnounce(CharSequence q) {
        checkLength(q);
        byte[] infoHash = null;
        byte[] peerId = null;
        int port = -1;
        long uploaded = 0;
        long downloaded = 0;
        long left = -1;
        AnnounceEvent event = AnnounceEvent.NONE;
        int numWant = -1;
        boolean compact = true;
        String ip = null;
        int n = q.length();
        Params c = new Params(q);
        while (c.next()) {
            int keyStart = c.keyStart;
            int keyEnd = c.keyEnd;
            int valStart = c.valueStart;
            int end = c.end;
            if (is(q, keyStart, keyEnd, "info_hash")) {
                if (infoHash == null) {
                    infoHash = decode20(q, valStart, end, "info_hash");
                }
            } else if (is(q, keyStart, keyEnd, "peer_id")) {
                if (peerId == null) {
                    peerId = decode20(q, valStart, end, "peer_id");
                }
            } else if (is(q, keyStart, keyEnd, "port")) {
                long p = number(q, valStart, end, "port");
                if (p < 1 || p > 65535) {
                    throw bad("port " + p + " outside 1..65535", valStart);
                }
                port = (int) p;
            } else if (is(q, keyStart, keyEnd, "uploaded")) {
                uploaded = number(q, valStart, end, "uploaded");
            } else if (is(q, keyStart, keyEnd, "downloaded")) {
                downloaded = number(q, valStart, end, "downloaded");
            } else if (is(q, keyStart, keyEnd, "left")) {
                left = number(q, valStart, end, "left");
            } else if (is(q, keyStart, keyEnd, "event")) {
                event = event(q, valStart, end);
            } else if (is(q, keyStart, keyEnd, "numwant")) {
                numWant = numWant(q, valStart, end);
            } else if (is(q, keyStart, keyEnd, "compact")) {
                compact = !(end - valStart == 1 && q.charAt(valStart) == '0');
            } else if (is(q, keyStart, keyEnd, "ip")) {
                ip = text(q, valStart, end, "ip");
            }
        }
        if (infoHash == null) {
            throw bad("announce without info_hash", n);
        }
        if (peerId == null) {
            throw bad("announce without peer_id", n);
        }
        if (port < 0) {
            throw bad("announce without port", n);
        }
        return new AnnounceQuery(infoHash, peerId, port, uploaded, downloaded, left, event, numWant, compact, ip);
    }

    /**
     * Parses a scrape query: every {@code info_hash} parameter, in order, duplicates kept.
     *
     * @param maxHashes more than this is {@link Reason#BAD_REQUEST} (HARDENING.md: 50)
     */
    public static List<byte[]> parseScrape(CharSequence q, int maxHashes) {
        checkLength(q);
        List<byte[]> hashes = new ArrayList<>();
        Params c = new Params(q);
        while (c.next()) {
            if (is(q, c.keyStart, c.keyEnd, "info_hash")) {
                if (hashes.size() >= maxHashes) {
                    throw bad("scrape of more than " + maxHashes + " info-hashes", c.keyStart);
                }
                hashes.add(decode20(q, c.valueStart, c.end, "info_hash"));
            }
        }
        return hashes;
    }

    private static void checkLength(CharSequence q) {
        if (q.length() > MAX_QUERY_LENGTH) {
            throw bad("query of " + q.length() + " characters exceeds " + MAX_QUERY_LENGTH, MAX_QUERY_LENGTH);
        }
    }

    private static boolean is(CharSequence q, int from, int to, String key) {
        if (to - from != key.length()) {
            return false;
        }
        for (int k = 0; k < key.length(); k++) {
            if (q.charAt(from + k) != key.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] decode20(CharSequence q, int from, int to, String name) {
        byte[] out = new byte[20];
        int o = 0;
        int i = from;
        while (i < to) {
            if (o == 20) {
                throw bad(name + " longer than 20 bytes", i);
            }
            char c = q.charAt(i);
            if (c == '%') {
                if (i + 3 > to) {
                    throw bad("truncated percent escape in " + name, i);
                }
                int hi = hex(q.charAt(i + 1));
                int lo = hex(q.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw bad("bad percent escape in " + name, i);
                }
                out[o++] = (byte) (hi << 4 | lo);
                i += 3;
            } else if (c < 0x80) {
                out[o++] = (byte) c;
                i++;
            } else {
                throw bad("non-ASCII character in " + name, i);
            }
        }
        if (o != 20) {
            throw bad(name + " of " + o + " bytes, expected 20", from);
        }
        return out;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static long number(CharSequence q, int from, int to, String name) {
        if (from == to) {
            throw bad("empty " + name, from);
        }
        if (to - from > 19) {
            throw bad(name + " too long", from);
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = q.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(name + " is not a non-negative decimal number", i);
            }
            v = v * 10 + (c - '0');
        }
        if (v < 0) {
            throw bad(name + " out of range", from);
        }
        return v;
    }

    private static int numWant(CharSequence q, int from, int to) {
        if (from < to && q.charAt(from) == '-') {
            return -1; // "numwant=-1" and other negatives: the tracker's default
        }
        long v = number(q, from, to, "numwant");
        return (int) Math.min(v, Integer.MAX_VALUE);
    }

    private static AnnounceEvent event(CharSequence q, int from, int to) {
        if (to - from > 16) {
            return AnnounceEvent.NONE;
        }
        return AnnounceEvent.fromHttpName(q.subSequence(from, to));
    }

    private static String text(CharSequence q, int from, int to, String name) {
        if (to - from > MAX_TEXT * 3) {
            throw bad(name + " too long", from);
        }
        StringBuilder sb = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            char c = q.charAt(i);
            if (c == '%') {
                if (i + 3 > to) {
                    throw bad("truncated percent escape in " + name, i);
                }
                int hi = hex(q.charAt(i + 1));
                int lo = hex(q.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw bad("bad percent escape in " + name, i);
                }
                sb.append((char) (hi << 4 | lo));
                i += 3;
            } else {
                sb.append(c);
                i++;
            }
        }
        if (sb.length() > MAX_TEXT) {
            throw bad(name + " too long", from);
        }
        return sb.toString();
    }

    private static TrackerException bad(String message, long offset) {
        return new TrackerException(Reason.BAD_REQUEST, message, offset);
    }

    /**
     * Walks the {@code key=value} parameters of a query split at {@code &}, skipping empty ones and failing past
     * {@link #MAX_PARAMETERS}. After {@link #next()} returns true the fields bound the current parameter (a key
     * without {@code =} has an empty value at its end). Not thread-safe; one per parse.
     */
    private static final class Params {
        private final CharSequence q;
        private int pos;
        private int count;
        int keyStart;
        int keyEnd;
        int valueStart;
        int end;

        Params(CharSequence q) {
            this.q = q;
        }

        boolean next() {
            int n = q.length();
            while (pos < n) {
                int start = pos;
                int eq = -1;
                int e = start;
                while (e < n && q.charAt(e) != '&') {
                    if (eq < 0 && q.charAt(e) == '=') {
                        eq = e;
                    }
                    e++;
                }
                pos = e + 1;
                if (e > start) {
                    if (++count > MAX_PARAMETERS) {
                        throw bad("more than " + MAX_PARAMETERS + " parameters", start);
                    }
                    keyStart = start;
                    keyEnd = eq < 0 ? e : eq;
                    valueStart = eq < 0 ? e : eq + 1;
                    end = e;
                    return true;
                }
            }
            return false;
        }
    }
}
