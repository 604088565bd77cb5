/**
 * Bencoding (BEP 3, "bencoding"): the value model ({@link io.hivemind.bt.wire.bencode.BValue} and its four
 * kinds), a limit-checked decoder that keeps the source span of every dictionary so info-hashes are computed on
 * the original bytes, and a canonical encoder.
 *
 * <p>Every parser in hivebt that reads bencode (metainfo, resume data, tracker responses, KRPC, BEP 10
 * extension messages) goes through {@link io.hivemind.bt.wire.bencode.BencodeDecoder} with a
 * {@link io.hivemind.bt.wire.bencode.BencodeLimits} chosen for its input.
 */
package io.hivemind.bt.wire.bencode;
