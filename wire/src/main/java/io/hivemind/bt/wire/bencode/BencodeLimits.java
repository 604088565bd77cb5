package io.hivemind.bt.wire.bencode;

/**
 * Hard limits applied while decoding. Immutable.
 *
 * @param maxDepth        deepest nesting of lists and dictionaries
 * @param maxTokens       most values (integers, strings, lists, dictionaries) in one input
 * @param maxStringLength longest byte string
 * @param maxSize         largest input in bytes
 * @param strict          reject unsorted and duplicate dictionary keys (canonical bencoding only)
 */
public record BencodeLimits(int maxDepth, int maxTokens, int maxStringLength, int maxSize, boolean strict) {

    /** For .torrent and resume files: depth 100, 3,000,000 tokens, 10 MB, lenient key order. */
    public static final BencodeLimits DEFAULT = new BencodeLimits(100, 3_000_000, 10 * 1024 * 1024, 10 * 1024 * 1024, false);

    /** For DHT packets (HARDENING.md): depth 10, 500 tokens, 1,500 bytes. */
    public static final BencodeLimits KRPC = new BencodeLimits(10, 500, 1500, 1500, false);

    /** For peer extension messages (BEP 10, BEP 11): depth 10, 10,000 tokens, 1 MiB. */
    public static final BencodeLimits EXTENSION = new BencodeLimits(10, 10_000, 1 << 20, 1 << 20, false);

    /** For tracker responses: depth 20, 200,000 tokens, 1 MiB. */
    public static final BencodeLimits TRACKER = new BencodeLimits(20, 200_000, 1 << 20, 1 << 20, false);

    public BencodeLimits {
        if (maxDepth < 1 || maxTokens < 1 || maxStringLength < 0 || maxSize < 1) {
            throw new IllegalArgumentException("limits must be positive: depth=" + maxDepth + " tokens=" + maxTokens
                    + " string=" + maxStringLength + " size=" + maxSize);
        }
    }

    public BencodeLimits withStrict(boolean strict) {
        return new BencodeLimits(maxDepth, maxTokens, maxStringLength, maxSize, strict);
    }

    public BencodeLimits withMaxSize(int maxSize) {
        return new BencodeLimits(maxDepth, maxTokens, Math.min(maxStringLength, maxSize), maxSize, strict);
    }
}
