package io.hivemind.bt.client.core.picker;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The canonical BEP 6 allowed-fast set: the {@code k} pieces a peer at a given IPv4 address may request from
 * us while choked. Computed once per connection by the side that sends "allowed fast" messages.
 *
 * <p>Implementation note: BEP 6 "Allowed Fast Set Generation": {@code x = (ip & 0xFFFFFF00) ++ infohash}, then
 * repeatedly {@code x = SHA1(x)} and each of its five big-endian 32-bit words modulo the piece count is a
 * candidate, skipping duplicates. The BEP has no IPv6 rule; like libtorrent we use the v1 rule only for IPv4 and
 * leave IPv6 peers without an allowed-fast set.
 *
 * <p>Stateless and thread-safe.
 */
public final class AllowedFastSet {
    private AllowedFastSet() {
    }

    /**
     * The first {@code k} pieces of the set for a peer at {@code ipv4} (4 bytes, network order).
     *
     * @param infoHash the 20-byte v1 info-hash (for v2-only torrents, the truncated v2 hash used in handshakes)
     */
    public static int[] generate(int k, int pieceCount, byte[] infoHash, byte[] ipv4) {
        if (ipv4.length != 4) {
            throw new IllegalArgumentException("IPv4 address of " + ipv4.length + " bytes");
        }
        if (infoHash.length != 20) {
            throw new IllegalArgumentException("info-hash of " + infoHash.length + " bytes");
        }
        if (k < 0 || pieceCount <= 0) {
            return new int[0];
        }
        int n = Math.min(k, pieceCount);
        int[] out = new int[n];
        int size = 0;
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
        byte[] x = new byte[24];
        System.arraycopy(ipv4, 0, x, 0, 3); // & 0xFFFFFF00: last octet stays 0
        System.arraycopy(infoHash, 0, x, 4, 20);
        while (size < n) {
            x = sha1.digest(x);
            for (int i = 0; i < 5 && size < n; i++) {
                int j = i * 4;
                long y = ((x[j] & 0xffL) << 24) | ((x[j + 1] & 0xff) << 16) | ((x[j + 2] & 0xff) << 8) | (x[j + 3] & 0xff);
                int index = (int) (y % pieceCount);
                boolean seen = false;
                for (int m = 0; m < size; m++) {
                    if (out[m] == index) {
                        seen = true;
                        break;
                    }
                }
                if (!seen) {
                    out[size++] = index;
                }
            }
        }
        return out;
    }
}
