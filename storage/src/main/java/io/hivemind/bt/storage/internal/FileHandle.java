package io.hivemind.bt.storage.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One open file of a store: its channel and, for the mmap store, the mapping of the whole file and a native
 * descriptor for {@code fallocate}. Pooled and reference-counted (see {@link Handle}): closing unmaps the file
 * (closes its shared arena), closes the descriptor and the channel. Fields are immutable after construction except
 * the validation time stamp and the lazily opened native descriptor. Thread-safe.
 */
public final class FileHandle extends Handle {
    private final int file;
    private final Path path;
    private final FileChannel channel;
    private final boolean writable;
    private final Object fileKey;
    private final long size;
    private final Arena arena;
    private final MemorySegment segment;
    private volatile long validatedAt;
    private int nativeFd = -1;
    private volatile boolean fallocateUnsupported;

    /**
     * @param size    bytes of the file usable through this handle (its length when opened, at most the torrent's
     *                length of the file)
     * @param arena   the shared arena owning {@code segment}, or null when not mapped
     */
    public FileHandle(int file, Path path, FileChannel channel, boolean writable, Object fileKey, long size,
                      Arena arena, MemorySegment segment, long now) {
        this.file = file;
        this.path = path;
        this.channel = channel;
        this.writable = writable;
        this.fileKey = fileKey;
        this.size = size;
        this.arena = arena;
        this.segment = segment;
        this.validatedAt = now;
    }

    public int file() {
        return file;
    }

    public Path path() {
        return path;
    }

    public FileChannel channel() {
        return channel;
    }

    public boolean writable() {
        return writable;
    }

    /** The file system's identity of the file when opened (device and inode on Linux), or null. */
    public Object fileKey() {
        return fileKey;
    }

    /** Bytes of the file usable through this handle. */
    public long size() {
        return size;
    }

    /** The mapping of the whole file, or null. */
    public MemorySegment segment() {
        return segment;
    }

    public long validatedAt() {
        return validatedAt;
    }

    public void validatedAt(long now) {
        this.validatedAt = now;
    }

    public boolean fallocateUnsupported() {
        return fallocateUnsupported;
    }

    public void markFallocateUnsupported() {
        this.fallocateUnsupported = true;
    }

    /** The native descriptor for {@code fallocate}, opened on first use. */
    public synchronized int nativeFd() throws IOException {
        if (nativeFd < 0) {
            nativeFd = NativeIo.open(path);
        }
        return nativeFd;
    }

    @Override
    protected void closeNow() {
        if (arena != null) {
            try {
                arena.close();
            } catch (RuntimeException ignored) {
                // already closed, or (never with our reference counts) still in use
            }
        }
        synchronized (this) {
            NativeIo.close(nativeFd);
            nativeFd = -1;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was left to flush: writes go through force() first
        }
    }

    @Override
    public String toString() {
        return "FileHandle[" + file + ", " + path + (segment != null ? ", mapped" : "") + "]";
    }
}
