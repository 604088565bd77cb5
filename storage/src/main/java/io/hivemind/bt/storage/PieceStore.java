package io.hivemind.bt.storage;

import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The storage SPI: one torrent's files seen as pieces and 16 KiB blocks. Two implementations, selected by
 * {@link StoreOptions#kind()}: {@link MmapStore} and {@link PositionalStore}; obtain one from
 * {@link Storage#openStore}.
 *
 * <p>Every method <b>blocks</b> on disk I/O: call them on the disk executor (as {@link TorrentStorage} does), never on
 * a network event loop. Methods are thread-safe: reads and writes of different ranges run in parallel; a priority
 * change waits for them.
 *
 * <p>Only verified data may be written: the store does not check hashes, {@link PieceBuffer} does before it writes.
 * Pad files (BEP 47) are never written and read as zeros. Bytes of files with priority 0 go to the part file (see
 * {@link #setFilePriorities}). Files are created on first write, at full length, sparse unless
 * {@link Allocation#FULL}. Reading a file that does not exist, was deleted or was truncated throws
 * {@link StorageException} of kind {@link StorageException.Kind#FILES_MISSING} naming the affected pieces.
 */
public interface PieceStore extends AutoCloseable {

    InfoDictionary info();

    StoreKind kind();

    /**
     * Writes {@code src.remaining()} bytes of verified data at {@code offset} of {@code piece} and advances
     * {@code src}'s position. The caller keeps ownership of {@code src}.
     *
     * @throws StorageException on any I/O fault ({@link StorageException.Kind#DISK_FULL},
     *                          {@link StorageException.Kind#READ_ONLY}, ...)
     * @throws IllegalArgumentException when the range leaves the piece
     */
    void write(int piece, int offset, ByteBuffer src);

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} of {@code piece} into {@code dst} and advances its
     * position. The caller keeps ownership of {@code dst}.
     */
    void read(int piece, int offset, ByteBuffer dst);

    /**
     * Reads a block for a peer. The caller owns the returned buffer and must release it. The mmap store returns a
     * read-only view of the mapped file (no copy) that keeps the mapping alive until released; the positional
     * store returns a pooled direct buffer it filled with pread.
     */
    ByteBuf readBlock(int piece, int offset, int length);

    /**
     * {@link #readBlock}'s result if it can be had <b>without blocking</b>: the mmap store's view when the file is
     * open and mapped, its pages are in the page cache and its size was checked recently; else null (also for any
     * fault: then {@link #readBlock} reports it). The only method that may run on a network event loop: it saves a
     * seeder the round trip through the disk executor for every block it serves from the page cache.
     */
    default ByteBuf readBlockIfResident(int piece, int offset, int length) {
        return null;
    }

    /** Forces every write so far to stable storage (data before resume data: see {@link TorrentStorage}). */
    void flush();

    /** The on-disk state of every file, in torrent order (pad files absent). */
    List<FileStatus> fileStatus();

    /** The on-disk state of the part file (index -1). */
    FileStatus partFileStatus();

    /** A copy of the current file priorities (0 = skip). */
    int[] filePriorities();

    /**
     * Changes file priorities. A file going from 0 to wanted is created and receives its bytes from the part file;
     * a wanted file going to 0 keeps what it has on disk. Waits for running reads and writes.
     */
    void setFilePriorities(int[] priorities);

    /**
     * Closes every open file and mapping of this store (pause). They reopen on the next use; a mapping still
     * referenced by a buffer from {@link #readBlock} is unmapped when that buffer is released.
     */
    void release();

    /** Releases everything; later calls fail with {@link StorageException.Kind#CLOSED}. Idempotent. */
    @Override
    void close();
}
