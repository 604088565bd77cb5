package io.hivemind.bt.tracker.server.internal;

import io.hivemind.bt.wire.internal.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An immutable set of 20-byte info-hashes (the private-tracker whitelist): an open-addressing table of the hashes
 * packed three {@code long}s per slot in one array, so a lookup usually touches one cache line and no object per
 * entry exists. Thread-safe (immutable).
 */
public final class InfoHashSet {
    /** Three longs per slot: bytes 0-7, bytes 8-15, and bytes 16-19 with bit 32 set when the slot is in use. */
    private final long[] table;
    private final int mask;
    private final int size;

    private InfoHashSet(byte[][] hashes) {
        int cap = 16;
        while (cap < hashes.length * 2) {
            cap <<= 1;
        }
        table = new long[cap * 3];
        mask = cap - 1;
        int n = 0;
        for (byte[] h : hashes) {
            long a = SwarmRegistry.getLong(h, 0);
            long b = SwarmRegistry.getLong(h, 8);
            long c = (SwarmRegistry.getInt(h, 16) & 0xffffffffL) | USED;
            int i = slot(a, c);
            while (table[3 * i + 2] != 0 && !(table[3 * i] == a && table[3 * i + 1] == b && table[3 * i + 2] == c)) {
                i = (i + 1) & mask;
            }
            if (table[3 * i + 2] == 0) {
                table[3 * i] = a;
                table[3 * i + 1] = b;
                table[3 * i + 2] = c;
                n++;
            }
        }
        size = n;
    }

    private static final long USED = 1L << 32;

    public static InfoHashSet of(byte[]... hashes) {
        for (byte[] h : hashes) {
            if (h.length != 20) {
                throw new IllegalArgumentException("info-hashes are 20 bytes");
            }
        }
        return new InfoHashSet(hashes);
    }

    /**
     * Reads one hex info-hash (40 characters) per line; blank lines and text after {@code #} are ignored, as are
     * characters after the 40th (opentracker's whitelist format).
     *
     * @throws IOException on a read error or a line that is not a hex info-hash
     */
    public static InfoHashSet readHexFile(Path file) throws IOException {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            int hash = line.indexOf('#');
            String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (s.isEmpty()) {
                continue;
            }
            if (s.length() < 40) {
                throw new IOException(file + ":" + lineNo + ": not a 40-character hex info-hash");
            }
            try {
                out.add(Hex.decode(s.substring(0, 40)));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + lineNo + ": not a hex info-hash", e);
            }
        }
        return new InfoHashSet(out.toArray(byte[][]::new));
    }

    public boolean contains(byte[] h) {
        if (h.length != 20) {
            return false;
        }
        long a = SwarmRegistry.getLong(h, 0);
        long b = SwarmRegistry.getLong(h, 8);
        long c = (SwarmRegistry.getInt(h, 16) & 0xffffffffL) | USED;
        for (int i = slot(a, c); ; i = (i + 1) & mask) {
            long t = table[3 * i + 2];
            if (t == 0) {
                return false;
            }
            if (t == c && table[3 * i] == a && table[3 * i + 1] == b) {
                return true;
            }
        }
    }

    public int size() {
        return size;
    }

    private int slot(long a, long c) {
        return (int) Swarm.mix(a ^ (c << 17)) & mask;
    }
}
