package io.hivemind.bt.storage;

import io.hivemind.bt.storage.StorageException.Kind;
import io.hivemind.bt.storage.internal.FileHandle;
import io.hivemind.bt.storage.internal.FileLayout;
import io.hivemind.bt.storage.internal.HandlePool;
import io.hivemind.bt.storage.internal.IoErrors;
import io.hivemind.bt.storage.internal.NativeIo;
import io.hivemind.bt.storage.internal.PartFile;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * What both stores share: the file layout, confinement, lazy creation and allocation of files, the part file, pad
 * files, priorities, validation of files under seeding reads and flushing. Subclasses move the bytes.
 *
 * <p>Thread-safety: reads and writes take a shared lock, {@link #setFilePriorities} and {@link #close} the
 * exclusive one. File handles come from the session-wide {@link HandlePool}, keyed by this store's owner id.
 */
abstract sealed class AbstractPieceStore implements PieceStore permits MmapStore, PositionalStore {
    private static final int ZERO_CHUNK = 1 << 20;

    final FileLayout layout;
    final InfoDictionary info;
    final HandlePool pool;
    final long owner;
    final StoreOptions options;
    final ByteBufAllocator alloc;
    final LongSupplier clock;
    private final long validateNanos;
    private final PartFile partFile;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final BitSet dirty = new BitSet();
    private boolean partDirty;
    private volatile int[] priorities;
    /** Files whose bytes go to the part file: priority 0 and not on disk. */
    private volatile boolean[] toPart;
    private volatile boolean emptyFilesCreated;
    private volatile boolean closed;

    AbstractPieceStore(StoreSpec spec, HandlePool pool, ByteBufAllocator alloc, LongSupplier clock) {
        this.info = spec.info();
        this.layout = FileLayout.of(info, spec.saveDir());
        this.pool = pool;
        this.owner = HandlePool.newOwner();
        this.options = spec.options();
        this.alloc = alloc;
        this.clock = clock;
        this.validateNanos = options.validateInterval().toNanos();
        this.priorities = spec.priorities();
        boolean[] part = new boolean[layout.fileCount()];
        for (int i = 0; i < part.length; i++) {
            part[i] = priorities[i] == 0 && layout.stored(i) && !existsOnDisk(i);
        }
        this.toPart = part;
        if (info.pieceLength() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("piece length too large: " + info.pieceLength());
        }
        this.partFile = new PartFile(pool, owner, layout.root().resolve("." + spec.id() + ".parts"),
                (int) info.pieceLength(), info.pieceCount());
    }

    @Override
    public final InfoDictionary info() {
        return info;
    }

    /** This store's id in the handle pool (for tests and statistics). */
    final long owner() {
        return owner;
    }

    private boolean existsOnDisk(int file) {
        try {
            return Files.exists(layout.resolveForRead(file), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException(Kind.CLOSED, "storage of " + info.name() + " is closed");
        }
    }

    // ---- writes ----------------------------------------------------------------------------------------------

    @Override
    public final void write(int piece, int offset, ByteBuffer src) {
        checkOpen();
        lock.readLock().lock();
        try {
            checkOpen();
            if (!emptyFilesCreated) {
                createEmptyFiles();
            }
            int base = src.position();
            boolean[] part = toPart;
            layout.forEachSlice(piece, offset, src.remaining(), (file, fileOffset, rangeOffset, length) -> {
                FileEntry f = layout.file(file);
                if (f.isPad()) {
                    return;
                }
                ByteBuffer slice = src.slice(base + rangeOffset, length);
                if (part[file]) {
                    partFile.write(piece, offset + rangeOffset, slice);
                    synchronized (dirty) {
                        partDirty = true;
                    }
                } else {
                    writeFile(file, fileOffset, slice);
                }
            });
            src.position(src.limit());
        } catch (IOException e) {
            throw IoErrors.wrap("writing piece " + piece + " of " + info.name(), e);
        } catch (InternalError e) {
            throw IoErrors.mappedFault("piece " + piece + " of " + info.name(), e, null);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void writeFile(int file, long fileOffset, ByteBuffer src) throws IOException {
        FileHandle h = acquireForWrite(file);
        try {
            synchronized (dirty) {
                dirty.set(file);
            }
            writeSlice(h, fileOffset, src);
        } finally {
            h.release();
        }
    }

    /** Writes {@code src} (all of it) at {@code fileOffset} through {@code h}, which is writable and full-length. */
    abstract void writeSlice(FileHandle h, long fileOffset, ByteBuffer src) throws IOException;

    /** Writes through the channel (pwrite); shared by both stores. */
    static void pwrite(FileChannel ch, long pos, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            pos += ch.write(src, pos);
        }
    }

    private void createEmptyFiles() throws IOException {
        int[] pr = priorities;
        for (int i = 0; i < layout.fileCount(); i++) {
            FileEntry f = layout.file(i);
            if (!f.isPad() && f.length() == 0 && pr[i] > 0) {
                Path p = layout.resolveForWrite(i);
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createFile(p); // O_CREAT | O_EXCL: never through a symlink
                    } catch (java.nio.file.FileAlreadyExistsException raced) {
                        // another thread made it
                    }
                }
            }
        }
        emptyFilesCreated = true;
    }

    final FileHandle acquireForWrite(int file) throws IOException {
        HandlePool.Key key = new HandlePool.Key(owner, file);
        long length = layout.file(file).length();
        for (int attempt = 0; attempt < 8; attempt++) {
            FileHandle h = pool.acquire(key, k -> openFile(file, true));
            if (h.writable() && h.size() >= length) {
                return h;
            }
            if (!h.writable()) {
                // opened read-only for seeding: try for real, and report why writing is impossible
                h.release();
                pool.invalidate(key, h);
                FileHandle w = pool.acquire(key, k -> openFile(file, true));
                if (w.writable() && w.size() >= length) {
                    return w;
                }
                w.release();
                continue;
            }
            h.release();
            pool.invalidate(key, h);
        }
        throw new IOException("cannot open " + layout.path(file) + " for writing");
    }

    // ---- reads -----------------------------------------------------------------------------------------------

    @Override
    public final void read(int piece, int offset, ByteBuffer dst) {
        checkOpen();
        lock.readLock().lock();
        try {
            checkOpen();
            int base = dst.position();
            boolean[] part = toPart;
            layout.forEachSlice(piece, offset, dst.remaining(), (file, fileOffset, rangeOffset, length) -> {
                ByteBuffer slice = dst.slice(base + rangeOffset, length);
                FileEntry f = layout.file(file);
                if (f.isPad()) {
                    zero(slice);
                } else if (part[file]) {
                    try {
                        partFile.read(piece, offset + rangeOffset, slice);
                    } catch (NoSuchFileException e) {
                        Bitfield b = new Bitfield(info.pieceCount());
                        b.set(piece);
                        throw IoErrors.wrap("file " + f.pathString() + " is skipped and piece " + piece
                                + " is not in the part file", e, b);
                    }
                } else {
                    readFile(file, fileOffset, slice);
                }
            });
            dst.position(dst.limit());
        } catch (IOException e) {
            throw IoErrors.wrap("reading piece " + piece + " of " + info.name(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    static void zero(ByteBuffer b) {
        while (b.hasRemaining()) {
            b.put((byte) 0);
        }
    }

    final void readFile(int file, long fileOffset, ByteBuffer dst) throws IOException {
        FileHandle h = acquireForRead(file, fileOffset + dst.remaining());
        try {
            readSlice(h, fileOffset, dst);
        } catch (InternalError e) {
            pool.invalidate(new HandlePool.Key(owner, file), h);
            throw IoErrors.mappedFault(layout.path(file).toString(), e, layout.piecesOf(file, 0));
        } finally {
            h.release();
        }
        if (dst.hasRemaining()) {
            throw truncated(file, h, fileOffset + dst.position());
        }
    }

    /**
     * Feeds {@code [offset, offset + length)} of {@code piece} to {@code sink} in order, as one or more buffers the
     * sink must consume before returning (recheck hashes them). The mmap store passes views of the mapping (no
     * copy); otherwise the bytes are read into {@code scratch} (a direct buffer) chunk by chunk.
     */
    final void scan(int piece, int offset, int length, ByteBuffer scratch, java.util.function.Consumer<ByteBuffer> sink) {
        checkOpen();
        lock.readLock().lock();
        try {
            checkOpen();
            boolean[] part = toPart;
            layout.forEachSlice(piece, offset, length, (file, fileOffset, rangeOffset, len) -> {
                FileEntry f = layout.file(file);
                if (f.isPad() || part[file]) {
                    for (int done = 0; done < len; ) {
                        int n = Math.min(scratch.capacity(), len - done);
                        scratch.clear().limit(n);
                        if (f.isPad()) {
                            zero(scratch);
                        } else {
                            try {
                                partFile.read(piece, offset + rangeOffset + done, scratch);
                            } catch (NoSuchFileException e) {
                                Bitfield b = new Bitfield(info.pieceCount());
                                b.set(piece);
                                throw IoErrors.wrap("piece " + piece + " is not in the part file", e, b);
                            }
                        }
                        scratch.flip();
                        sink.accept(scratch);
                        done += n;
                    }
                } else {
                    scanFile(file, fileOffset, len, scratch, sink);
                }
            });
        } catch (IOException e) {
            throw IoErrors.wrap("reading piece " + piece + " of " + info.name(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Feeds {@code length} bytes of {@code file} at {@code fileOffset} to {@code sink}; see {@link #scan}. */
    void scanFile(int file, long fileOffset, int length, ByteBuffer scratch,
                  java.util.function.Consumer<ByteBuffer> sink) throws IOException {
        for (int done = 0; done < length; ) {
            int n = Math.min(scratch.capacity(), length - done);
            scratch.clear().limit(n);
            readFile(file, fileOffset + done, scratch);
            scratch.flip();
            sink.accept(scratch);
            done += n;
        }
    }

    /** Reads {@code dst.remaining()} bytes at {@code fileOffset}; stops early (leaving bytes remaining) at EOF. */
    abstract void readSlice(FileHandle h, long fileOffset, ByteBuffer dst) throws IOException;

    /**
     * A handle for reading {@code [.., end)} of {@code file}, validated: the file is still the one opened (same
     * inode) and not shorter than before, checked at most every {@link StoreOptions#validateInterval()}.
     */
    final FileHandle acquireForRead(int file, long end) throws IOException {
        HandlePool.Key key = new HandlePool.Key(owner, file);
        for (int attempt = 0; ; attempt++) {
            FileHandle h;
            try {
                h = pool.acquire(key, k -> openFile(file, false));
            } catch (NoSuchFileException e) {
                throw IoErrors.wrap("file " + layout.path(file) + " is missing", e, layout.piecesOf(file, 0));
            }
            boolean ok = false;
            try {
                long now = clock.getAsLong();
                if (now - h.validatedAt() >= validateNanos) {
                    validate(file, h);
                    h.validatedAt(now);
                }
                if (end <= h.size()) {
                    ok = true;
                    return h;
                }
                // opened on a short file, or truncated since: look once more with a fresh handle
                pool.invalidate(key, h);
                if (attempt > 0) {
                    throw truncated(file, h, h.size());
                }
            } finally {
                if (!ok) {
                    h.release();
                }
            }
        }
    }

    private void validate(int file, FileHandle h) throws IOException {
        HandlePool.Key key = new HandlePool.Key(owner, file);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(h.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            pool.invalidate(key, h);
            throw IoErrors.wrap("file " + layout.path(file) + " was deleted", e, layout.piecesOf(file, 0));
        }
        if (h.fileKey() != null && !Objects.equals(h.fileKey(), a.fileKey())) {
            pool.invalidate(key, h);
            throw new StorageException(Kind.FILES_MISSING, "files missing - set location or recheck: "
                    + layout.path(file) + " was replaced", null, layout.piecesOf(file, 0));
        }
        if (a.size() < h.size()) {
            pool.invalidate(key, h);
            throw truncated(file, h, a.size());
        }
    }

    private StorageException truncated(int file, FileHandle h, long size) {
        pool.invalidate(new HandlePool.Key(owner, file), h);
        return new StorageException(Kind.FILES_MISSING, "files missing - set location or recheck: "
                + layout.path(file) + " is shorter than expected (" + size + " of " + layout.file(file).length()
                + " bytes)", null, layout.piecesOf(file, size));
    }

    @Override
    public final ByteBuf readBlock(int piece, int offset, int length) {
        checkOpen();
        int size = info.pieceSize(piece);
        if (offset < 0 || length <= 0 || offset > size - length) {
            throw new IllegalArgumentException(
                    "block " + offset + "+" + length + " outside piece " + piece + " of " + size + " bytes");
        }
        long start = piece * info.pieceLength() + offset;
        int fi = givesViews() ? info.fileIndexAt(start) : -1;
        if (fi >= 0) {
            FileEntry f = layout.file(fi);
            if (!f.isPad() && start + length <= f.end()) {
                lock.readLock().lock();
                try {
                    checkOpen();
                    if (!toPart[fi]) {
                        long fileOffset = start - f.offset();
                        FileHandle h;
                        try {
                            h = acquireForRead(fi, fileOffset + length);
                        } catch (IOException e) {
                            throw IoErrors.wrap("reading piece " + piece + " of " + info.name(), e);
                        }
                        ByteBuf view;
                        try {
                            view = mappedView(h, fileOffset, length);
                        } catch (InternalError e) {
                            pool.invalidate(new HandlePool.Key(owner, fi), h);
                            h.release();
                            throw IoErrors.mappedFault(layout.path(fi).toString(), e, layout.piecesOf(fi, 0));
                        }
                        if (view != null) {
                            return view; // owns the handle reference now
                        }
                        h.release();
                    }
                } finally {
                    lock.readLock().unlock();
                }
            }
        }
        return copiedBlock(piece, offset, length);
    }

    @Override
    public final ByteBuf readBlockIfResident(int piece, int offset, int length) {
        if (!givesViews() || closed) {
            return null;
        }
        int size = info.pieceSize(piece);
        if (offset < 0 || length <= 0 || offset > size - length) {
            return null; // readBlock reports it
        }
        long start = piece * info.pieceLength() + offset;
        int fi = info.fileIndexAt(start);
        if (fi < 0) {
            return null;
        }
        FileEntry f = layout.file(fi);
        if (f.isPad() || start + length > f.end() || !lock.readLock().tryLock()) {
            return null;
        }
        try {
            if (closed || toPart[fi]) {
                return null;
            }
            long fileOffset = start - f.offset();
            FileHandle h = pool.peek(new HandlePool.Key(owner, fi));
            if (h == null) {
                return null; // opening and mapping the file is disk work
            }
            ByteBuf view = null;
            try {
                if (clock.getAsLong() - h.validatedAt() < validateNanos && fileOffset + length <= h.size()) {
                    view = residentView(h, fileOffset, length);
                }
            } catch (InternalError | RuntimeException e) {
                view = null; // the blocking path sees the fault again and reports it
            }
            if (view == null) {
                h.release();
            }
            return view;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Like {@link #mappedView}, but only when the range is in memory already (no disk read), else null (the caller
     * keeps its reference to {@code h}). Must not block.
     */
    ByteBuf residentView(FileHandle h, long fileOffset, int length) {
        return null;
    }

    /**
     * A zero-copy view of {@code [fileOffset, fileOffset + length)} through {@code h} that takes over the caller's
     * reference to {@code h} (released with the buffer), or null when this store cannot give one (the caller keeps
     * its reference). May throw {@link InternalError} for a fault in mapped memory.
     */
    ByteBuf mappedView(FileHandle h, long fileOffset, int length) {
        return null;
    }

    /** True when {@link #mappedView} can give views (else seeding reads go straight to the copying path). */
    boolean givesViews() {
        return false;
    }

    private ByteBuf copiedBlock(int piece, int offset, int length) {
        ByteBuf buf = alloc.directBuffer(length, length);
        boolean ok = false;
        try {
            read(piece, offset, buf.nioBuffer(0, length));
            buf.writerIndex(length);
            ok = true;
            return buf;
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    // ---- opening files ---------------------------------------------------------------------------------------

    private FileHandle openFile(int file, boolean forWrite) throws IOException {
        long length = layout.file(file).length();
        Path p = forWrite ? layout.resolveForWrite(file) : layout.resolveForRead(file);
        FileChannel ch;
        boolean writable;
        if (forWrite) {
            ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            writable = true;
        } else {
            FileChannel rw;
            try {
                rw = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (AccessDeniedException e) {
                rw = null;
            } catch (NoSuchFileException e) {
                throw e;
            } catch (FileSystemException e) {
                if (IoErrors.classify(e) != Kind.READ_ONLY) {
                    throw e;
                }
                rw = null;
            }
            writable = rw != null;
            ch = rw != null ? rw : FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        try {
            long size = ch.size();
            if (forWrite && size < length) {
                allocate(p, ch, size, length);
                size = length;
            }
            Object key = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return newHandle(file, p, ch, writable, key, Math.min(size, length), clock.getAsLong());
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
    }

    private void allocate(Path p, FileChannel ch, long size, long length) throws IOException {
        if (options.allocation() == Allocation.FULL) {
            if (NativeIo.available()) {
                int fd = NativeIo.open(p);
                try {
                    NativeIo.fallocate(fd, 0, length);
                    return;
                } catch (UnsupportedOperationException unsupported) {
                    // fall through to zeros
                } finally {
                    NativeIo.close(fd);
                }
            }
            ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, length - size));
            for (long pos = size; pos < length; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), length - pos));
                pwrite(ch, pos, zeros);
                pos += zeros.limit();
            }
        } else {
            // sparse: the file gets its length without blocks (one block at the end holds the last byte)
            pwrite(ch, length - 1, ByteBuffer.allocate(1));
        }
    }

    /** Wraps an open channel in this store's kind of handle (the mmap store maps it). */
    abstract FileHandle newHandle(int file, Path path, FileChannel ch, boolean writable, Object fileKey, long size,
                                  long now) throws IOException;

    // ---- flush, status, priorities, lifecycle ----------------------------------------------------------------

    @Override
    public final void flush() {
        checkOpen();
        BitSet files;
        boolean part;
        synchronized (dirty) {
            files = (BitSet) dirty.clone();
            dirty.clear();
            part = partDirty;
            partDirty = false;
        }
        try {
            for (int f = files.nextSetBit(0); f >= 0; f = files.nextSetBit(f + 1)) {
                FileHandle h = pool.peek(new HandlePool.Key(owner, f));
                if (h == null) {
                    // closed since written: its pages are in the page cache; fsync through a fresh descriptor
                    try (FileChannel ch = FileChannel.open(layout.resolveForRead(f), StandardOpenOption.READ,
                            LinkOption.NOFOLLOW_LINKS)) {
                        ch.force(false);
                    }
                    continue;
                }
                try {
                    forceHandle(h);
                } finally {
                    h.release();
                }
            }
            if (part) {
                partFile.force();
            }
        } catch (IOException e) {
            synchronized (dirty) {
                dirty.or(files);
                partDirty |= part;
            }
            throw IoErrors.wrap("flushing " + info.name(), e);
        } catch (InternalError e) {
            throw IoErrors.mappedFault(info.name(), e, null);
        }
    }

    /** Forces {@code h}'s writes to disk. */
    void forceHandle(FileHandle h) throws IOException {
        h.channel().force(false);
    }

    @Override
    public final List<FileStatus> fileStatus() {
        checkOpen();
        List<FileStatus> out = new ArrayList<>(layout.fileCount());
        for (int i = 0; i < layout.fileCount(); i++) {
            if (layout.file(i).isPad()) {
                out.add(FileStatus.absent(i));
                continue;
            }
            try {
                out.add(stat(i, layout.resolveForRead(i)));
            } catch (NoSuchFileException e) {
                out.add(FileStatus.absent(i));
            } catch (IOException e) {
                throw IoErrors.wrap("status of " + layout.path(i), e);
            }
        }
        return out;
    }

    @Override
    public final FileStatus partFileStatus() {
        try {
            return stat(-1, partFile.path());
        } catch (IOException e) {
            return FileStatus.absent(-1);
        }
    }

    private static FileStatus stat(int index, Path p) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new FileStatus(index, true, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        } catch (NoSuchFileException e) {
            return FileStatus.absent(index);
        }
    }

    @Override
    public final int[] filePriorities() {
        return priorities.clone();
    }

    @Override
    public final void setFilePriorities(int[] newPriorities) {
        checkOpen();
        if (newPriorities.length != layout.fileCount()) {
            throw new IllegalArgumentException(
                    newPriorities.length + " priorities for " + layout.fileCount() + " files");
        }
        int[] pr = newPriorities.clone();
        lock.writeLock().lock();
        try {
            checkOpen();
            boolean[] oldPart = toPart;
            boolean[] part = oldPart.clone();
            for (int f = 0; f < part.length; f++) {
                if (pr[f] > 0 && oldPart[f]) {
                    materialize(f);
                    part[f] = false;
                } else if (pr[f] == 0 && !oldPart[f] && layout.stored(f)) {
                    part[f] = !existsOnDisk(f);
                }
            }
            toPart = part;
            priorities = pr;
            emptyFilesCreated = false;
            // free slots no skipped file needs any more
            for (int p : partFile.pieces()) {
                if (!needsPart(p, part)) {
                    partFile.free(p);
                }
            }
        } catch (IOException e) {
            throw IoErrors.wrap("changing file priorities of " + info.name(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Moves file {@code f}'s bytes out of the part file into the file itself. */
    private void materialize(int f) throws IOException {
        FileEntry fe = layout.file(f);
        if (fe.length() == 0) {
            return;
        }
        long pl = info.pieceLength();
        ByteBuffer buf = ByteBuffer.allocateDirect((int) pl);
        for (int p = fe.firstPiece(pl); p <= fe.lastPiece(pl); p++) {
            if (!partFile.has(p)) {
                continue;
            }
            long pieceStart = p * pl;
            long from = Math.max(pieceStart, fe.offset());
            long to = Math.min(pieceStart + info.pieceSize(p), fe.end());
            buf.clear().limit((int) (to - from));
            partFile.read(p, (int) (from - pieceStart), buf);
            buf.flip();
            writeFile(f, from - fe.offset(), buf);
        }
    }

    private boolean needsPart(int piece, boolean[] part) {
        long pl = info.pieceLength();
        long start = piece * pl;
        long end = start + info.pieceSize(piece);
        int fi = info.fileIndexAt(start);
        for (int f = Math.max(fi, 0); f < layout.fileCount() && layout.file(f).offset() < end; f++) {
            if (part[f] && layout.file(f).end() > start) {
                return true;
            }
        }
        return false;
    }

    @Override
    public final void release() {
        pool.invalidateOwner(owner);
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        lock.writeLock().lock();
        try {
            closed = true;
            pool.invalidateOwner(owner);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The part file (tests). */
    final PartFile partFile() {
        return partFile;
    }

    /** Whether file {@code f}'s bytes currently go to the part file (tests). */
    final boolean inPartFile(int f) {
        return toPart[f];
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + info.name() + " in " + layout.root() + ", priorities "
                + Arrays.toString(priorities) + "]";
    }
}
