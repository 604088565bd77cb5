/**
 * A small, strict JSON reader and writer for the daemon's REST API and Transmission RPC bodies.
 *
 * <p>{@link io.hivemind.bt.client.daemon.json.JsonReader} implements RFC 8259 over UTF-8 bytes with hard limits
 * ({@link io.hivemind.bt.client.daemon.json.JsonLimits}: size, depth, value count, string and number length) and
 * reports every rejection as a {@link io.hivemind.bt.client.daemon.json.JsonException} with a
 * {@link io.hivemind.bt.client.daemon.json.JsonException.Reason} and byte offset (HARDENING.md "Parsing limits").
 * Values are immutable records and enums; {@link io.hivemind.bt.client.daemon.json.JsonWriter} writes them back
 * compactly and HTML-safe. No BEP is involved; the project keeps its own parser so that the limits are ours and the
 * reader can be fuzzed as part of the build.
 */
package io.hivemind.bt.client.daemon.json;
