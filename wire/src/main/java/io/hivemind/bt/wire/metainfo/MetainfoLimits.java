package io.hivemind.bt.wire.metainfo;

import io.hivemind.bt.wire.bencode.BencodeLimits;

/**
 * Limits applied when parsing torrents (HARDENING.md "Parsing limits"). Immutable.
 *
 * @param bencode          limits of the underlying bencode decoder (size, depth, tokens)
 * @param maxPieces        most pieces per torrent
 * @param maxPathDepth     deepest directory nesting
 * @param maxDuplicateRenames most files renamed because their sanitised paths collide
 * @param maxNameBytes     longest path component after sanitising, in UTF-8 bytes
 */
public record MetainfoLimits(BencodeLimits bencode, int maxPieces, int maxPathDepth, int maxDuplicateRenames,
                             int maxNameBytes) {

    public static final MetainfoLimits DEFAULT = new MetainfoLimits(BencodeLimits.DEFAULT, 2_097_152, 100, 500, 255);
}
