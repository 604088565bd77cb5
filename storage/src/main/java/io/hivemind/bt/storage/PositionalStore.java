package io.hivemind.bt.storage;

import io.hivemind.bt.storage.internal.FileHandle;
import io.hivemind.bt.storage.internal.HandlePool;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The {@link PieceStore} that moves bytes with {@code FileChannel} positional reads and writes (pread/pwrite) on
 * pooled file descriptors. Seeding reads fill a pooled direct buffer (one copy, from the page cache). Nothing is
 * mapped, so a file truncated under it shows up as a short read, never as a {@code SIGBUS}. Thread-safe.
 */
public final class PositionalStore extends AbstractPieceStore {

    PositionalStore(StoreSpec spec, HandlePool pool, ByteBufAllocator alloc, LongSupplier clock) {
        super(spec, pool, alloc, clock);
    }

    @Override
    public StoreKind kind() {
        return StoreKind.POSITIONAL;
    }

    @Override
    void writeSlice(FileHandle h, long fileOffset, ByteBuffer src) throws IOException {
        pwrite(h.channel(), fileOffset, src);
    }

    @Override
    void readSlice(FileHandle h, long fileOffset, ByteBuffer dst) throws IOException {
        FileChannel ch = h.channel();
        long pos = fileOffset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                return;
            }
            pos += n;
        }
    }

    @Override
    FileHandle newHandle(int file, Path path, FileChannel ch, boolean writable, Object fileKey, long size, long now) {
        return new FileHandle(file, path, ch, writable, fileKey, size, null, null, now);
    }
}
