package io.hivemind.bt.client.daemon.json;

/**
 * Hard limits applied by {@link JsonReader} (HARDENING.md: every parser is capped). Immutable.
 *
 * @param maxSize         most input bytes
 * @param maxDepth        deepest nesting of arrays and objects
 * @param maxValues       most values (scalars, arrays and objects) in one document
 * @param maxStringLength longest string or object key, in chars after unescaping
 * @param maxNumberLength longest number literal, in characters
 */
public record JsonLimits(int maxSize, int maxDepth, int maxValues, int maxStringLength, int maxNumberLength) {

    /** REST and RPC request bodies: 1 MiB, depth 32, 100,000 values. */
    public static final JsonLimits DEFAULT = new JsonLimits(1 << 20, 32, 100_000, 1 << 20, 64);

    /** Bodies that may carry a base64 {@code .torrent} (10 MB file → 14 MB of base64). */
    public static final JsonLimits WITH_TORRENT = new JsonLimits(16 << 20, 32, 100_000, 16 << 20, 64);

    public JsonLimits {
        if (maxSize <= 0 || maxDepth <= 0 || maxValues <= 0 || maxStringLength <= 0 || maxNumberLength <= 0) {
            throw new IllegalArgumentException("JSON limits must be positive");
        }
    }
}
