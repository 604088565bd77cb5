package io.hivemind.bt.tracker.server.internal;

import io.hivemind.bt.wire.internal.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An immutable set of 20-byte info-hashes (the private-tracker whitelist): an open-addressing table of the hashes
 * packed in one {@code byte[]}, no object per entry. Thread-safe (immutable).
 */
public final class InfoHashSet {
    private final byte[] table;
    private final boolean[] used;
    private final int mask;
    private final int size;

    private InfoHashSet(byte[][] hashes) {
        int cap = 16;
        while (cap < hashes.length * 2) {
            cap <<= 1;
        }
        table = new byte[cap * 20];
        used = new boolean[cap];
        mask = cap - 1;
        int n = 0;
        for (byte[] h : hashes) {
            int i = slot(h, 0);
            while (used[i] && !Arrays.equals(table, i * 20, i * 20 + 20, h, 0, 20)) {
                i = (i + 1) & mask;
            }
            if (!used[i]) {
                used[i] = true;
                System.arraycopy(h, 0, table, i * 20, 20);
                n++;
            }
        }
        size = n;
    }

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
        int i = slot(h, 0);
        while (used[i]) {
            if (Arrays.equals(table, i * 20, i * 20 + 20, h, 0, 20)) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    public int size() {
        return size;
    }

    private int slot(byte[] h, int off) {
        return (int) Swarm.mix(SwarmRegistry.getLong(h, off) ^ SwarmRegistry.getInt(h, off + 16)) & mask;
    }
}
