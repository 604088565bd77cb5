/**
 * Torrent creation: {@link io.hivemind.bt.wire.create.TorrentCreator} lists a file or a directory, hashes it on all
 * cores and writes a v1 (BEP 3), v2 (BEP 52) or hybrid torrent with BEP 47 pad files, BEP 12 tracker tiers, BEP 19
 * web seeds and the BEP 27 private flag. For the same files and piece size the info-hashes equal those of
 * libtorrent 2.0 ({@code create_torrent}) and, for v1, mktorrent. This package only reads files; it knows nothing
 * of sessions or sockets.
 */
package io.hivemind.bt.wire.create;
