package io.hivemind.bt.tracker.protocol;

/**
 * Hard limits applied to tracker responses (client side). Immutable.
 *
 * @param maxBytes         largest HTTP body after decompression, or UDP datagram (HARDENING.md: 1 MiB)
 * @param maxPeers         most peers kept from one announce response; more are dropped, not an error
 * @param maxScrapeEntries most scrape entries kept from one response
 */
public record ResponseLimits(int maxBytes, int maxPeers, int maxScrapeEntries) {
    /** 1 MiB, 2,000 peers, 1,000 scrape entries. */
    public static final ResponseLimits DEFAULT = new ResponseLimits(1 << 20, 2000, 1000);

    public ResponseLimits {
        if (maxBytes < 64 || maxPeers < 0 || maxScrapeEntries < 0) {
            throw new IllegalArgumentException("bad response limits: bytes=" + maxBytes + " peers=" + maxPeers
                    + " scrape=" + maxScrapeEntries);
        }
    }
}
