package io.hivemind.bt.tracker.protocol;

import io.hivemind.bt.tracker.AnnounceResponse;
import io.hivemind.bt.tracker.ScrapeResponse;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses HTTP tracker response bodies (client side): announce (BEP 3, compact {@code peers} of BEP 23, dictionary
 * {@code peers}, {@code peers6} of BEP 7) and scrape (BEP 48).
 *
 * <p>Every limit is checked before the work it bounds: body size first, then bencode depth and token count
 * ({@link BencodeLimits#TRACKER}), then peer count ({@link ResponseLimits#maxPeers()}; extra peers are dropped).
 * Anything malformed is a {@link TrackerException} with {@link Reason#MALFORMED_RESPONSE}; a {@code failure reason}
 * is one with {@link Reason#TRACKER_FAILURE} whose message is the tracker's text. Peers given by host name in the
 * dictionary model are skipped (no DNS lookups on a tracker's say-so), as are port 0 and unspecified addresses.
 *
 * <p>Stateless and thread-safe.
 */
public final class HttpTrackerResponses {
    /** Longest failure reason or warning message kept, in bytes (the rest is cut). */
    public static final int MAX_MESSAGE_BYTES = 1024;
    /** Longest {@code tracker id} accepted. */
    public static final int MAX_TRACKER_ID_BYTES = 256;

    private HttpTrackerResponses() {
    }

    /** Parses an announce response. */
    public static AnnounceResponse parseAnnounce(byte[] body, ResponseLimits limits) {
        BDict d = decode(body, limits);
        try {
            failureCheck(d);
            int interval = nonNegativeInt(d, "interval", -1);
            if (interval < 0) {
                throw malformed("announce response without 'interval'");
            }
            int minInterval = nonNegativeInt(d, "min interval", -1);
            String trackerId = null;
            BBytes tid = d.getBytes("tracker id");
            if (tid != null) {
                if (tid.length() > MAX_TRACKER_ID_BYTES) {
                    throw malformed("'tracker id' longer than " + MAX_TRACKER_ID_BYTES + " bytes");
                }
                trackerId = tid.asString();
            }
            int complete = nonNegativeInt(d, "complete", -1);
            int incomplete = nonNegativeInt(d, "incomplete", -1);
            int downloaded = nonNegativeInt(d, "downloaded", -1);
            List<InetSocketAddress> peers = new ArrayList<>();
            BValue p = d.get("peers");
            if (p instanceof BBytes compact) {
                compactPeers(compact, 4, peers, limits.maxPeers());
            } else if (p instanceof BList list) {
                dictionaryPeers(list, peers, limits.maxPeers());
            } else if (p != null) {
                throw malformed("'peers' is neither a string nor a list");
            }
            BValue p6 = d.get("peers6");
            if (p6 instanceof BBytes compact6) {
                compactPeers(compact6, 16, peers, limits.maxPeers());
            } else if (p6 instanceof BList list6) {
                dictionaryPeers(list6, peers, limits.maxPeers());
            } else if (p6 != null) {
                throw malformed("'peers6' is neither a string nor a list");
            }
            String warning = message(d, "warning message");
            InetAddress external = null;
            BBytes ext = d.getBytes("external ip");
            if (ext != null && (ext.length() == 4 || ext.length() == 16)) {
                external = address(ext.bytes());
            }
            return new AnnounceResponse(interval, minInterval, trackerId, complete, incomplete, downloaded, peers,
                    warning, external);
        } catch (BencodeException e) {
            throw new TrackerException(Reason.MALFORMED_RESPONSE, "bad announce response: " + e.getMessage(), e);
        }
    }

    /** Parses a scrape response; entries whose key is not a 20-byte string are skipped. */
    public static ScrapeResponse parseScrape(byte[] body, ResponseLimits limits) {
        BDict d = decode(body, limits);
        try {
            failureCheck(d);
            BDict files = d.getDict("files");
            if (files == null) {
                throw malformed("scrape response without 'files'");
            }
            List<ScrapeResponse.Entry> entries = new ArrayList<>();
            for (Map.Entry<BBytes, BValue> e : files.entries().entrySet()) {
                if (entries.size() >= limits.maxScrapeEntries()) {
                    break;
                }
                if (e.getKey().length() != 20 || !(e.getValue() instanceof BDict stats)) {
                    continue;
                }
                entries.add(new ScrapeResponse.Entry(e.getKey().bytes(), Math.max(0, nonNegativeInt(stats, "complete", 0)),
                        Math.max(0, nonNegativeInt(stats, "incomplete", 0)),
                        Math.max(0, nonNegativeInt(stats, "downloaded", 0))));
            }
            return new ScrapeResponse(entries);
        } catch (BencodeException e) {
            throw new TrackerException(Reason.MALFORMED_RESPONSE, "bad scrape response: " + e.getMessage(), e);
        }
    }

    /**
     * Looks for a {@code failure reason} in a body that came with an HTTP error status; returns null when the body
     * is not a bencoded dictionary with one.
     */
    public static String failureReasonOrNull(byte[] body, ResponseLimits limits) {
        try {
            BDict d = decode(body, limits);
            return message(d, "failure reason");
        } catch (TrackerException | BencodeException e) {
            return null;
        }
    }

    private static BDict decode(byte[] body, ResponseLimits limits) {
        if (body.length > limits.maxBytes()) {
            throw new TrackerException(Reason.RESPONSE_TOO_LARGE,
                    "tracker response of " + body.length + " bytes exceeds the limit of " + limits.maxBytes());
        }
        BValue v;
        try {
            v = BencodeDecoder.decode(body, BencodeLimits.TRACKER.withMaxSize(Math.max(1, limits.maxBytes())));
        } catch (BencodeException e) {
            throw new TrackerException(Reason.MALFORMED_RESPONSE, "tracker response is not valid bencode: "
                    + e.getMessage(), e.offset());
        }
        if (!(v instanceof BDict d)) {
            throw malformed("tracker response is not a dictionary");
        }
        return d;
    }

    private static void failureCheck(BDict d) {
        BValue f = d.get("failure reason");
        if (f != null) {
            String reason = f instanceof BBytes b ? truncate(b) : String.valueOf(f);
            throw new TrackerException(Reason.TRACKER_FAILURE, reason);
        }
    }

    private static String message(BDict d, String key) {
        BValue v = d.get(key);
        return v instanceof BBytes b ? truncate(b) : null;
    }

    private static String truncate(BBytes b) {
        byte[] bytes = b.bytes();
        int n = Math.min(bytes.length, MAX_MESSAGE_BYTES);
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** An integer field clamped into int range; negative values become {@code absent}. */
    private static int nonNegativeInt(BDict d, String key, int absent) {
        BValue v = d.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof BInt i)) {
            throw malformed("'" + key + "' is not an integer");
        }
        long x = i.value();
        if (x < 0) {
            return absent;
        }
        return (int) Math.min(x, Integer.MAX_VALUE);
    }

    private static void compactPeers(BBytes s, int addrLen, List<InetSocketAddress> out, int max) {
        int stride = addrLen + 2;
        if (s.length() % stride != 0) {
            throw malformed((addrLen == 4 ? "'peers'" : "'peers6'") + " length " + s.length()
                    + " is not a multiple of " + stride);
        }
        byte[] bytes = s.bytes();
        for (int off = 0; off < bytes.length && out.size() < max; off += stride) {
            int port = ((bytes[off + addrLen] & 0xff) << 8) | (bytes[off + addrLen + 1] & 0xff);
            InetSocketAddress a = peer(bytes, off, addrLen, port);
            if (a != null) {
                out.add(a);
            }
        }
    }

    private static void dictionaryPeers(BList list, List<InetSocketAddress> out, int max) {
        for (BValue v : list.values()) {
            if (out.size() >= max) {
                return;
            }
            if (!(v instanceof BDict peer)) {
                throw malformed("an entry of 'peers' is not a dictionary");
            }
            BBytes ip = peer.getBytes("ip");
            BValue portValue = peer.get("port");
            if (ip == null || !(portValue instanceof BInt portInt)) {
                throw malformed("a peer without 'ip' or integer 'port'");
            }
            long port = portInt.value();
            if (port <= 0 || port > 65535) {
                continue;
            }
            byte[] literal = ip.length() <= 64 ? IpLiterals.parse(ip.asString()) : null;
            if (literal != null) {
                InetSocketAddress a = peer(literal, 0, literal.length, (int) port);
                if (a != null) {
                    out.add(a);
                }
            }
        }
    }

    private static InetSocketAddress peer(byte[] bytes, int off, int len, int port) {
        if (port == 0) {
            return null;
        }
        boolean zero = true;
        for (int i = 0; i < len; i++) {
            zero &= bytes[off + i] == 0;
        }
        if (zero) {
            return null;
        }
        byte[] addr = new byte[len];
        System.arraycopy(bytes, off, addr, 0, len);
        return new InetSocketAddress(address(addr), port);
    }

    private static InetAddress address(byte[] addr) {
        try {
            return InetAddress.getByAddress(addr);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes is always an address", e);
        }
    }

    private static TrackerException malformed(String message) {
        return new TrackerException(Reason.MALFORMED_RESPONSE, message);
    }
}
