package io.hivemind.bt.client.distribution;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.net.URLEncoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The value of a signed announcement: what a coordinator tells workers about a new model version or a task. It is
 * the {@code v} of a BEP 44 mutable item and follows BEP 46 ({@code ih} is the 20-byte v1 info-hash), with more
 * members for hybrid and v2 torrents and for the compute network:
 * <pre>
 * { "ih": 20-byte v1 info-hash, "ih2": 32-byte v2 info-hash (at least one of the two),
 *   "k": "model" | "task", "n": torrent name, "t": task id (tasks only), "sz": total bytes,
 *   "tr": [tracker URLs], "r": coordinator API URL, "md": {metadata}, "mt": 1 when "md" was cut to fit,
 *   "mf": path of the manifest file inside the torrent }
 * </pre>
 * The bencoded value is at most {@value #MAX_VALUE} bytes (BEP 44). When the metadata does not fit, {@link #encode}
 * keeps only {@code version} and sets {@code mt}: the full metadata is in the manifest file inside the torrent.
 * {@link #decode} checks every member against hard limits and throws {@link AnnouncementException} with a reason.
 * Immutable.
 *
 * @param kind               model version or task
 * @param infoHashes         the torrent's info-hashes (v1, v2 or both)
 * @param name               the torrent's name
 * @param taskId             the task id, or null for a model
 * @param totalBytes         the torrent's total size
 * @param trackers           tracker announce URLs (the coordinator's tracker), at most {@value #MAX_TRACKERS}
 * @param coordinatorUrl     base URL of the coordinator's API for progress reports, or null
 * @param metadata           model metadata (version, accuracy, framework …), sorted by key
 * @param metadataTruncated  true when the metadata here is incomplete (read the manifest)
 * @param manifestPath       path of the manifest inside the torrent, or null
 */
public record Announcement(DistributionKind kind, InfoHashes infoHashes, String name, String taskId, long totalBytes,
                           List<String> trackers, String coordinatorUrl, SortedMap<String, String> metadata,
                           boolean metadataTruncated, String manifestPath) {
    /** BEP 44: a mutable item's {@code v} is at most 1000 bytes bencoded. */
    public static final int MAX_VALUE = 1000;
    public static final int MAX_TRACKERS = 4;
    public static final int MAX_URL = 256;
    public static final int MAX_NAME = 200;
    public static final int MAX_METADATA_ENTRIES = 32;
    public static final int MAX_METADATA_KEY = 64;
    public static final int MAX_METADATA_VALUE = 256;
    private static final BencodeLimits LIMITS = new BencodeLimits(4, 256, MAX_VALUE, MAX_VALUE, true);

    public Announcement {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(infoHashes, "infoHashes");
        Objects.requireNonNull(name, "name");
        trackers = List.copyOf(trackers);
        metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
        if (kind == DistributionKind.TASK) {
            Names.requireName(taskId, "a task id");
        } else if (taskId != null) {
            throw new IllegalArgumentException("a model announcement has no task id");
        }
        if (totalBytes < 0) {
            throw new IllegalArgumentException("totalBytes must not be negative");
        }
        requireText(name, MAX_NAME, "name");
        if (trackers.size() > MAX_TRACKERS) {
            throw new IllegalArgumentException("at most " + MAX_TRACKERS + " trackers");
        }
        for (String t : trackers) {
            requireUrl(t, true);
        }
        if (coordinatorUrl != null) {
            requireUrl(coordinatorUrl, false);
        }
        checkMetadata(metadata);
        if (manifestPath != null) {
            requireText(manifestPath, MAX_NAME, "manifest path");
        }
    }

    /** Checks metadata against the limits (entries, key and value lengths, no control characters). */
    public static void checkMetadata(Map<String, String> metadata) {
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_METADATA_ENTRIES + " metadata entries");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            requireText(e.getKey(), MAX_METADATA_KEY, "metadata key");
            if (e.getValue() == null) {
                throw new IllegalArgumentException("metadata value of " + e.getKey() + " is null");
            }
            if (e.getValue().getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_VALUE
                    || hasControl(e.getValue())) {
                throw new IllegalArgumentException("metadata value of " + Names.shorten(e.getKey())
                        + " is over " + MAX_METADATA_VALUE + " bytes or has control characters");
            }
        }
    }

    private static void requireText(String s, int maxBytes, String what) {
        if (s == null || s.isEmpty() || s.getBytes(StandardCharsets.UTF_8).length > maxBytes || hasControl(s)) {
            throw new IllegalArgumentException(what + " must be 1-" + maxBytes + " bytes without control characters");
        }
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static void requireUrl(String url, boolean tracker) {
        String schemes = tracker ? "(https?|udp)" : "https?";
        if (url == null || url.length() > MAX_URL || !url.matches("(?i)" + schemes + "://[\\x21-\\x7e]+")) {
            throw new IllegalArgumentException((tracker ? "tracker" : "coordinator") + " URL must be "
                    + (tracker ? "http, https or udp" : "http or https") + ", printable ASCII, at most " + MAX_URL
                    + " characters");
        }
    }

    /** The {@code version} metadata entry, or null. */
    public String version() {
        return metadata.get("version");
    }

    /** A magnet link for the torrent (BEP 9, BEP 52 {@code btmh}) with the trackers and the name. */
    public String magnet() {
        StringBuilder sb = new StringBuilder("magnet:?");
        String sep = "";
        if (infoHashes.hasV1()) {
            sb.append("xt=urn:btih:").append(infoHashes.v1Hex());
            sep = "&";
        }
        if (infoHashes.hasV2()) {
            sb.append(sep).append("xt=urn:btmh:1220").append(infoHashes.v2Hex());
        }
        sb.append("&dn=").append(URLEncoder.encode(name, StandardCharsets.UTF_8));
        for (String t : trackers) {
            sb.append("&tr=").append(URLEncoder.encode(t, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------ codec

    /**
     * The bencoded dictionary, at most {@value #MAX_VALUE} bytes: when the full metadata does not fit, only the
     * {@code version} entry is kept and {@code mt} is set.
     *
     * @throws AnnouncementException TOO_LARGE when even that does not fit (name, trackers and URL too long)
     */
    public BDict encode() {
        BDict full = encode(metadata, metadataTruncated);
        if (full.encode().length <= MAX_VALUE) {
            return full;
        }
        SortedMap<String, String> kept = new TreeMap<>();
        if (metadata.containsKey("version")) {
            kept.put("version", metadata.get("version"));
        }
        BDict cut = encode(kept, true);
        if (cut.encode().length > MAX_VALUE) {
            throw new AnnouncementException(AnnouncementException.Reason.TOO_LARGE, "the announcement needs "
                    + cut.encode().length + " bytes even without metadata; BEP 44 allows " + MAX_VALUE);
        }
        return cut;
    }

    private BDict encode(SortedMap<String, String> md, boolean truncated) {
        BDict.Builder b = BDict.builder();
        if (infoHashes.hasV1()) {
            b.put("ih", infoHashes.v1());
        }
        if (infoHashes.hasV2()) {
            b.put("ih2", infoHashes.v2());
        }
        b.put("k", kind == DistributionKind.MODEL ? "model" : "task");
        b.put("n", name);
        if (taskId != null) {
            b.put("t", taskId);
        }
        b.put("sz", totalBytes);
        if (!trackers.isEmpty()) {
            List<BValue> l = new ArrayList<>();
            for (String t : trackers) {
                l.add(BBytes.of(t));
            }
            b.put("tr", new BList(l));
        }
        if (coordinatorUrl != null) {
            b.put("r", coordinatorUrl);
        }
        if (!md.isEmpty()) {
            BDict.Builder m = BDict.builder();
            md.forEach(m::put);
            b.put("md", m.build());
        }
        if (truncated) {
            b.put("mt", 1);
        }
        if (manifestPath != null) {
            b.put("mf", manifestPath);
        }
        return b.build();
    }

    /** Decodes and checks a value; {@link AnnouncementException} says what is wrong. */
    public static Announcement decode(BValue value) {
        byte[] encoded = value.encode();
        if (encoded.length > MAX_VALUE) {
            throw new AnnouncementException(AnnouncementException.Reason.TOO_LARGE, "value over " + MAX_VALUE + " bytes");
        }
        if (!(value instanceof BDict d)) {
            throw new AnnouncementException(AnnouncementException.Reason.NOT_BENCODE, "value is not a dictionary");
        }
        byte[] v1 = optionalBytes(d, "ih");
        byte[] v2 = optionalBytes(d, "ih2");
        if (v1 == null && v2 == null) {
            throw new AnnouncementException(AnnouncementException.Reason.MISSING_FIELD, "no info-hash (ih or ih2)");
        }
        if (v1 != null && v1.length != 20 || v2 != null && v2.length != 32) {
            throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, "info-hash of the wrong length");
        }
        String k = requiredString(d, "k");
        DistributionKind kind = switch (k) {
            case "model" -> DistributionKind.MODEL;
            case "task" -> DistributionKind.TASK;
            default -> throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, "unknown kind");
        };
        String name = requiredString(d, "n");
        String taskId = d.containsKey("t") ? requiredString(d, "t") : null;
        long size = d.get("sz") instanceof BInt i ? i.value() : -1;
        if (!(d.get("sz") instanceof BInt)) {
            throw new AnnouncementException(AnnouncementException.Reason.MISSING_FIELD, "sz missing");
        }
        List<String> trackers = new ArrayList<>();
        if (d.containsKey("tr")) {
            if (!(d.get("tr") instanceof BList l)) {
                throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, "tr is not a list");
            }
            for (BValue x : l.values()) {
                if (!(x instanceof BBytes s)) {
                    throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, "tr holds a non-string");
                }
                trackers.add(utf8(s.bytes(), "tr"));
            }
        }
        String r = d.containsKey("r") ? requiredString(d, "r") : null;
        SortedMap<String, String> md = new TreeMap<>();
        if (d.containsKey("md")) {
            if (!(d.get("md") instanceof BDict m)) {
                throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, "md is not a dictionary");
            }
            for (Map.Entry<BBytes, BValue> e : m.entries().entrySet()) {
                if (!(e.getValue() instanceof BBytes s)) {
                    throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, "md holds a non-string");
                }
                md.put(utf8(e.getKey().bytes(), "md key"), utf8(s.bytes(), "md value"));
            }
        }
        boolean truncated = d.get("mt") instanceof BInt mt && mt.value() != 0;
        String mf = d.containsKey("mf") ? requiredString(d, "mf") : null;
        try {
            return new Announcement(kind, InfoHashes.of(v1, v2), name, taskId, size, trackers, r, md, truncated, mf);
        } catch (IllegalArgumentException e) {
            throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, e.getMessage(), e);
        }
    }

    /** Decodes bencoded bytes (canonical bencoding only, at most {@value #MAX_VALUE} bytes) and checks them. */
    public static Announcement decode(byte[] bencoded) {
        return decode(parseValue(bencoded));
    }

    /**
     * Parses the bencoded {@code v} of an item with the announcement's hard limits (canonical bencoding, at most
     * {@value #MAX_VALUE} bytes, depth 4, 256 tokens) without checking its members.
     */
    public static BValue parseValue(byte[] bencoded) {
        if (bencoded.length > MAX_VALUE) {
            throw new AnnouncementException(AnnouncementException.Reason.TOO_LARGE, "value over " + MAX_VALUE + " bytes");
        }
        try {
            return BencodeDecoder.decode(bencoded, LIMITS);
        } catch (BencodeException e) {
            throw new AnnouncementException(AnnouncementException.Reason.NOT_BENCODE, "bad bencode: " + e.getMessage(), e);
        }
    }

    private static byte[] optionalBytes(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof BBytes b)) {
            throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, key + " is not a string");
        }
        return b.bytes();
    }

    private static String requiredString(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            throw new AnnouncementException(AnnouncementException.Reason.MISSING_FIELD, key + " missing");
        }
        if (!(v instanceof BBytes b)) {
            throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, key + " is not a string");
        }
        return utf8(b.bytes(), key);
    }

    private static String utf8(byte[] b, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new AnnouncementException(AnnouncementException.Reason.BAD_FIELD, what + " is not UTF-8");
        }
    }
}
