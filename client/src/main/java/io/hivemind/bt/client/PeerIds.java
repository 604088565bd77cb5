package io.hivemind.bt.client;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;

/**
 * Peer ids (BEP 20 conventions): ours are Azureus-style, {@code -HV0100-} followed by 12 random printable
 * characters; {@link #clientName} turns a remote peer id into a readable client name for status and UIs.
 * Thread-safe.
 */
public final class PeerIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-._~".getBytes(StandardCharsets.US_ASCII);
    private static final Map<String, String> AZUREUS = Map.ofEntries(
            Map.entry("HV", "hivebt"), Map.entry("LT", "libtorrent"), Map.entry("lt", "libTorrent (rakshasa)"),
            Map.entry("TR", "Transmission"), Map.entry("qB", "qBittorrent"), Map.entry("AZ", "Vuze"),
            Map.entry("UT", "\u00b5Torrent"), Map.entry("DE", "Deluge"), Map.entry("BT", "BitTorrent"),
            Map.entry("KT", "KTorrent"), Map.entry("BI", "BiglyBT"), Map.entry("WW", "WebTorrent"));

    private PeerIds() {
    }

    /** A new 20-byte peer id: {@code prefix} (at most 12 ASCII characters) padded with random characters. */
    public static byte[] generate(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        if (p.length > 12) {
            throw new IllegalArgumentException("peer id prefix longer than 12 bytes: " + prefix);
        }
        byte[] id = new byte[20];
        System.arraycopy(p, 0, id, 0, p.length);
        for (int i = p.length; i < 20; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return id;
    }

    /**
     * A readable client name for a peer id: {@code -LT2080-…} → "libtorrent 2.0.8"; unknown forms give
     * "unknown" plus the printable prefix. Never throws; {@code null} or short ids give "unknown".
     */
    public static String clientName(byte[] peerId) {
        if (peerId == null || peerId.length < 8) {
            return "unknown";
        }
        if (peerId[0] == '-' && peerId[7] == '-') {
            String code = new String(peerId, 1, 2, StandardCharsets.ISO_8859_1);
            String name = AZUREUS.getOrDefault(code, code);
            StringBuilder v = new StringBuilder();
            for (int i = 3; i < 7; i++) {
                char c = (char) (peerId[i] & 0xff);
                if (!Character.isLetterOrDigit(c)) {
                    return name;
                }
                if (i > 3 && !(code.equals("TR") && i > 5)) {
                    v.append('.');
                }
                v.append(Character.isDigit(c) ? c : (char) ('0' + Character.digit(c, 36)));
            }
            if (code.equals("TR")) { // Transmission: -TR3000- = 3.00
                return name + " " + (char) (peerId[3] & 0xff) + "." + (char) (peerId[4] & 0xff) + (char) (peerId[5] & 0xff);
            }
            return name + " " + trimZeros(v.toString());
        }
        if (peerId[0] == 'A' && peerId[1] == '2' && peerId[2] == '-') {
            return "aria2 " + printable(peerId, 3, 8);
        }
        if (peerId[0] == 'M' && peerId[2] == '-') {
            return "BitTorrent (mainline) " + printable(peerId, 1, 8);
        }
        return "unknown " + printable(peerId, 0, 8);
    }

    private static String trimZeros(String version) {
        // 2.0.8.0 -> 2.0.8
        String v = version;
        while (v.endsWith(".0") && v.length() > 3) {
            v = v.substring(0, v.length() - 2);
        }
        return v;
    }

    private static String printable(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < Math.min(to, b.length); i++) {
            char c = (char) (b[i] & 0xff);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
