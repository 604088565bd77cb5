/**
 * Torrent metainfo: parsing, validation and writing of {@code .torrent} files, v1 (BEP 3), v2 (BEP 52) and
 * hybrid, with multitracker tiers (BEP 12), web seeds (BEP 19), private torrents (BEP 27) and pad files and
 * attributes (BEP 47). Info-hashes are computed over the exact bytes of the {@code info} dictionary as found in
 * the file, never over a re-encoding.
 */
package io.hivemind.bt.wire.metainfo;
