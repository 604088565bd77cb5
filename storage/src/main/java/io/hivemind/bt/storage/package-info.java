/**
 * Piece storage: a torrent's files seen as pieces and 16 KiB blocks, verified before they are written, with two
 * interchangeable stores and durable resume data.
 *
 * <p>{@link io.hivemind.bt.storage.Storage} is the runtime a session owns (hashing and disk executors, a bounded pool
 * of open files and mappings shared by all torrents, an off-heap {@link io.hivemind.bt.storage.PieceBufferPool} with
 * a hard budget). It opens a {@link io.hivemind.bt.storage.TorrentStorage} per torrent: the non-blocking API the
 * session's event loop uses. Blocks of an in-flight piece go into a {@link io.hivemind.bt.storage.PieceBuffer}, are
 * hashed in order on the hashing executor as they arrive, and only a piece whose SHA-1 (BEP 3) and/or SHA-256 merkle
 * root (BEP 52: 16 KiB leaves, zero padding, piece layers) verifies is written, on the disk executor, through the
 * {@link io.hivemind.bt.storage.PieceStore} SPI: {@link io.hivemind.bt.storage.MmapStore} (files mapped as FFM
 * memory segments, zero-copy seeding reads) or {@link io.hivemind.bt.storage.PositionalStore} (pread/pwrite).
 * Results come back as {@link io.hivemind.bt.storage.PieceResult}s on the torrent's own executor. Pad files (BEP 47)
 * are never written; files with priority 0 are never created, the bytes of pieces they share with wanted files
 * wait in a part file; every path is confined to the save directory. {@link io.hivemind.bt.storage.Recheck} hashes
 * existing data with every core.
 *
 * <p>Faults are typed ({@link io.hivemind.bt.storage.StorageException.Kind}) and turn into a
 * {@link io.hivemind.bt.storage.StorageState}: disk full or read-only makes a torrent upload-only until writes work
 * again; files deleted or truncated under a seed are found on read and their pieces reported, never served.
 *
 * <p>Implements the storage side of BEP 3 (pieces, SHA-1), BEP 47 (pad files) and BEP 52 (v2 merkle verification,
 * hybrid torrents verified with both hashes). Resume data is in {@link io.hivemind.bt.storage.resume}.
 */
package io.hivemind.bt.storage;
