package io.hivemind.bt.tracker;

import io.hivemind.bt.wire.internal.Hex;
import java.util.Arrays;
import java.util.List;

/**
 * A scrape result (BEP 48 over HTTP, BEP 15 over UDP): swarm counters per info-hash. Immutable and thread-safe.
 *
 * @param entries one entry per info-hash the tracker reported (UDP: in request order; HTTP: in the tracker's order)
 */
public record ScrapeResponse(List<Entry> entries) {
    public ScrapeResponse {
        entries = List.copyOf(entries);
    }

    /** The entry for {@code infoHash}, or null when the tracker did not report it. */
    public Entry find(byte[] infoHash) {
        for (Entry e : entries) {
            if (Arrays.equals(e.infoHash, infoHash)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Counters of one swarm.
     *
     * @param seeders    {@code complete}
     * @param leechers   {@code incomplete}
     * @param downloaded {@code downloaded}: completed downloads ever
     */
    public record Entry(byte[] infoHash, int seeders, int leechers, int downloaded) {
        public Entry {
            if (infoHash.length != 20) {
                throw new IllegalArgumentException("info-hash must be 20 bytes");
            }
            infoHash = infoHash.clone();
        }

        @Override
        public byte[] infoHash() {
            return infoHash.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && Arrays.equals(infoHash, e.infoHash) && seeders == e.seeders
                    && leechers == e.leechers && downloaded == e.downloaded;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(infoHash) ^ (seeders * 31 + leechers) * 31 + downloaded;
        }

        @Override
        public String toString() {
            return Hex.encode(infoHash) + "{seeders=" + seeders + ", leechers=" + leechers + ", downloaded="
                    + downloaded + '}';
        }
    }
}
