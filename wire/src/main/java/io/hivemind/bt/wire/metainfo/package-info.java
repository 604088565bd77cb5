/**
 * Torrent metainfo: parsing, validation and writing of {@code .torrent} files, v1 (BEP 3), v2 (BEP 52) and
 * hybrid, with multitracker tiers (BEP 12), web seeds (BEP 19), private torrents (BEP 27) and pad files and
 * attributes (BEP 47). Info-hashes are computed over the exact bytes of the {@code info} dictionary as found in
 * the file, never over a re-encoding.
 *
 * <p>{@link io.hivemind.bt.wire.metainfo.Metainfo#parse} validates everything a hostile file could get wrong and
 * reports it as a {@link io.hivemind.bt.wire.metainfo.MetainfoException} with a typed reason; file names go through
 * {@link io.hivemind.bt.wire.metainfo.PathSanitizer}, which storage and the daemon reuse for anything that becomes a
 * path. {@link io.hivemind.bt.wire.metainfo.Merkle} holds the BEP 52 merkle rules (leaves, zero padding, piece
 * layers, roots) used to validate piece layers here and to verify v2 pieces in storage.
 */
package io.hivemind.bt.wire.metainfo;
