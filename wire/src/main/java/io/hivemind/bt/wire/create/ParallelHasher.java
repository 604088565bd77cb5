package io.hivemind.bt.wire.create;

import io.hivemind.bt.wire.metainfo.Merkle;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hashes the files of a {@link Layout}: v1 SHA-1 piece hashes and/or v2 piece layers and pieces roots.
 *
 * <p>Implementation note. The piece space is cut into chunks of whole pieces (4–64 MiB, about sixteen per thread)
 * that the worker threads take in order from a shared counter, so every thread reads long sequential runs and a
 * slow thread delays the end by at most one chunk. Each worker owns one off-heap read buffer of 1 MiB (small enough
 * that the data is still in the cache when the digest reads it; 4 MiB cost 8 % more CPU) and reads with positional
 * {@link FileChannel#read(ByteBuffer, long)} calls; the kernel copies page-cache data into it once and the digests
 * read it through the JDK's SHA intrinsics. Pad bytes (hybrid) are zeros written into the buffer;
 * the alignment gaps of a v2 torrent are skipped. v2 leaves are hashed per 16 KiB block and reduced in place to
 * the piece hash ({@link Merkle#reduceInPlace}); the pieces roots are computed from the piece layers at the end.
 * Results land in arrays at fixed indices, so no ordering between threads is needed.
 *
 * <p>One instance hashes once; not thread-safe itself, it runs its own pool.
 */
final class ParallelHasher {
    static final int BUFFER_SIZE = 1 << 20;
    private static final long MIN_CHUNK = 4L << 20;
    private static final long MAX_CHUNK = 64L << 20;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final Layout layout;
    private final int threads;
    private final TorrentCreator.ProgressListener progress;
    private final boolean v1;
    private final boolean v2;
    private final long pieceLength;
    private final int leavesPerPiece;
    /** Non-empty files sorted by offset (they are in layout order already). */
    private final int[] dataFiles;
    private final long[] dataStarts;
    private final long chunkPieces;
    private final int chunkCount;

    private final byte[] v1Pieces;
    private final byte[][] layers;
    private final byte[][] roots;

    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicLong done = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Object progressLock = new Object();
    /** Bytes that will be hashed: the piece space with its pads (v1, hybrid), the files' data (v2, no gaps). */
    private final long total;
    private long reported;

    ParallelHasher(Layout layout, int threads, TorrentCreator.ProgressListener progress) {
        this.layout = layout;
        this.progress = progress;
        this.v1 = layout.version.hasV1();
        this.v2 = layout.version.hasV2();
        this.pieceLength = layout.pieceLength;
        this.leavesPerPiece = v2 ? Merkle.leavesPerPiece(pieceLength) : 0;
        this.total = layout.version == TorrentVersion.V2 ? layout.dataLength : layout.spaceEnd;
        int n = layout.files.size();
        int count = 0;
        for (SourceFile f : layout.files) {
            if (f.length() > 0) {
                count++;
            }
        }
        dataFiles = new int[count];
        dataStarts = new long[count];
        for (int i = 0, k = 0; i < n; i++) {
            if (layout.files.get(i).length() > 0) {
                dataFiles[k] = i;
                dataStarts[k++] = layout.offsets[i];
            }
        }
        long target = Math.clamp(layout.spaceEnd / (16L * Math.max(1, threads)), MIN_CHUNK, MAX_CHUNK);
        this.chunkPieces = Math.max(1, target / pieceLength);
        this.chunkCount = (int) Math.ceilDiv(layout.pieceCount, chunkPieces);
        this.threads = Math.max(1, Math.min(threads, chunkCount));
        this.v1Pieces = v1 ? new byte[layout.pieceCount * 20] : null;
        this.layers = v2 ? new byte[n][] : null;
        this.roots = v2 ? new byte[n][] : null;
        if (v2) {
            for (int i = 0; i < n; i++) {
                long len = layout.files.get(i).length();
                if (len > pieceLength) {
                    layers[i] = new byte[layout.filePieces(i) * Merkle.HASH_SIZE];
                }
            }
        }
    }

    /** Piece hashes, v2 piece layers (per file, null for files of one piece or less) and pieces roots. */
    record Result(byte[] v1Pieces, byte[][] layers, byte[][] roots) {
    }

    Result hash() throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
        try {
            List<Future<?>> futures = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(this::work));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failure.compareAndSet(null, e.getCause());
                }
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("torrent creation interrupted");
        } finally {
            pool.shutdown();
        }
        Throwable t = failure.get();
        if (t != null) {
            switch (t) {
                case UncheckedIOException u -> throw u.getCause();
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IOException(t);
            }
        }
        if (v2) {
            for (int i = 0; i < layout.files.size(); i++) {
                long len = layout.files.get(i).length();
                if (len > pieceLength) {
                    roots[i] = Merkle.rootFromPieceLayer(layers[i], len, pieceLength);
                }
            }
        }
        return new Result(v1Pieces, layers, roots);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "hivebt-hash-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private Void work() throws IOException {
        Worker w = new Worker();
        try (Arena arena = Arena.ofConfined()) {
            w.buf = arena.allocate(BUFFER_SIZE, 4096).asByteBuffer();
            int c;
            while (failure.get() == null && (c = nextChunk.getAndIncrement()) < chunkCount) {
                long p0 = c * chunkPieces;
                long p1 = Math.min(layout.pieceCount, p0 + chunkPieces);
                w.chunk((int) p0, (int) p1);
            }
        } catch (IOException | RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            throw e;
        } finally {
            w.close();
        }
        return null;
    }

    private void reportProgress(long n) {
        long now = done.addAndGet(n);
        if (progress == null) {
            return;
        }
        synchronized (progressLock) {
            if (now > reported) {
                reported = now;
                progress.progress(now, total);
            }
        }
    }

    /** One worker thread's state: digests, read buffer, the open file, the leaf hashes of the current piece. */
    private final class Worker {
        final MessageDigest sha1 = v1 ? digest("SHA-1") : null;
        final MessageDigest sha256 = v2 ? digest("SHA-256") : null;
        final byte[] leaves = v2 ? new byte[leavesPerPiece * Merkle.HASH_SIZE] : null;
        ByteBuffer buf;
        FileChannel channel;
        int channelFile = -1;

        /** Hashes pieces {@code [p0, p1)}. */
        void chunk(int p0, int p1) throws IOException {
            int piece = p0;
            long pieceStart = (long) p0 * pieceLength;
            long pieceEnd = hashEnd(piece, pieceStart);
            int leafCount = 0;
            long pos = pieceStart;
            long chunkEnd = Math.min((long) p1 * pieceLength, layout.spaceEnd);
            while (piece < p1) {
                // a run of contiguous bytes to hash: to the chunk's end (v1, hybrid) or the file's end (v2)
                long runEnd = layout.version == TorrentVersion.V2
                        ? Math.min(chunkEnd, fileEnd(layout.pieceFile[piece])) : chunkEnd;
                int n = (int) Math.min(BUFFER_SIZE, runEnd - pos);
                fill(pos, n);
                int off = 0;
                while (off < n && piece < p1) {
                    int take = (int) Math.min(n - off, pieceEnd - (pos + off));
                    if (v1 && v2) {
                        leafCount = both(piece, pos + off, take, off, leafCount);
                    } else if (v1) {
                        buf.limit(off + take).position(off);
                        sha1.update(buf);
                    } else {
                        leafCount = leaves(piece, pos + off, take, off, leafCount);
                    }
                    off += take;
                    if (pos + off == pieceEnd) {
                        finishPiece(piece, leafCount);
                        leafCount = 0;
                        piece++;
                        if (piece < p1) {
                            pieceStart = (long) piece * pieceLength;
                            pieceEnd = hashEnd(piece, pieceStart);
                            if (pos + off != pieceStart) {
                                break; // a v2 alignment gap: start the next read at the next piece
                            }
                        }
                    }
                }
                reportProgress(off);
                pos = piece < p1 ? Math.max(pos + off, (long) piece * pieceLength) : pos + off;
            }
        }

        /** End of the bytes hashed for a piece: v1 covers pads, v2 stops at its file's end. */
        private long hashEnd(int piece, long pieceStart) {
            long end = Math.min(pieceStart + pieceLength, layout.spaceEnd);
            if (layout.version == TorrentVersion.V2) {
                end = Math.min(end, fileEnd(layout.pieceFile[piece]));
            }
            return end;
        }

        private long fileEnd(int file) {
            return layout.offsets[file] + layout.files.get(file).length();
        }

        /** Hashes the v2 leaves of {@code piece} in {@code [at, at + len)} (buffer offset {@code off}). */
        private int leaves(int piece, long at, int len, int off, int leafCount) {
            int file = layout.pieceFile[piece];
            long dataEnd = fileEnd(file);
            long end = Math.min(at + len, dataEnd);
            try {
                long p = at;
                while (p < end) {
                    int leaf = (int) Math.min(Merkle.BLOCK_SIZE, end - p);
                    int o = off + (int) (p - at);
                    buf.limit(o + leaf).position(o);
                    sha256.update(buf);
                    sha256.digest(leaves, leafCount * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
                    leafCount++;
                    p += leaf;
                }
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            return leafCount;
        }

        /**
         * Hybrid: SHA-1 and the SHA-256 leaves over the same 16 KiB block one after the other, while the block is in
         * the L1 cache (two passes over the 1 MiB buffer cost about 12 % more CPU). Blocks are aligned: pieces start on
         * 16 KiB boundaries and reads are whole MiBs.
         */
        private int both(int piece, long at, int len, int off, int leafCount) {
            long dataEnd = fileEnd(layout.pieceFile[piece]);
            try {
                for (int o = 0; o < len; o += Merkle.BLOCK_SIZE) {
                    int n = Math.min(Merkle.BLOCK_SIZE, len - o);
                    buf.limit(off + o + n).position(off + o);
                    sha1.update(buf);
                    long p = at + o;
                    if (p < dataEnd) {
                        buf.limit(off + o + (int) Math.min(n, dataEnd - p)).position(off + o);
                        sha256.update(buf);
                        sha256.digest(leaves, leafCount * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
                        leafCount++;
                    }
                }
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            return leafCount;
        }

        private void finishPiece(int piece, int leafCount) {
            if (v1) {
                try {
                    sha1.digest(v1Pieces, piece * 20, 20);
                } catch (DigestException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (v2) {
                int file = layout.pieceFile[piece];
                long len = layout.files.get(file).length();
                if (len <= pieceLength) {
                    int width = (int) Merkle.nextPowerOfTwo(leafCount);
                    Merkle.reduceInPlace(leaves, leafCount, width, 0, sha256);
                    roots[file] = java.util.Arrays.copyOf(leaves, Merkle.HASH_SIZE);
                } else {
                    Merkle.reduceInPlace(leaves, leafCount, leavesPerPiece, 0, sha256);
                    int index = piece - layout.firstPiece(file);
                    System.arraycopy(leaves, 0, layers[file], index * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
                }
            }
        }

        /** Reads piece-space bytes {@code [pos, pos + n)} into the buffer's start: file data, zeros elsewhere. */
        private void fill(long pos, int n) throws IOException {
            buf.clear().limit(n);
            int k = dataIndexAt(pos);
            while (buf.hasRemaining()) {
                long p = pos + buf.position();
                while (k < dataFiles.length && fileEnd(dataFiles[k]) <= p) {
                    k++;
                }
                if (k >= dataFiles.length || dataStarts[k] > p) {
                    long zeros = Math.min(buf.remaining(), (k < dataFiles.length ? dataStarts[k] : Long.MAX_VALUE) - p);
                    while (zeros > 0) {
                        int z = (int) Math.min(zeros, ZEROS.length);
                        buf.put(ZEROS, 0, z);
                        zeros -= z;
                    }
                    continue;
                }
                int file = dataFiles[k];
                FileChannel ch = open(file);
                int want = (int) Math.min(buf.remaining(), fileEnd(file) - p);
                int start = buf.position();
                int outer = buf.limit();
                long filePos = p - layout.offsets[file];
                buf.limit(start + want);
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, filePos + (buf.position() - start));
                    if (r < 0) {
                        throw new IOException(layout.files.get(file).file() + " is shorter than when it was listed ("
                                + layout.files.get(file).length() + " bytes): was it changed while hashing?");
                    }
                }
                buf.limit(outer);
            }
            buf.flip();
        }

        /** Index in {@link #dataFiles} of the first non-empty file ending after {@code pos}. */
        private int dataIndexAt(long pos) {
            int lo = 0;
            int hi = dataFiles.length - 1;
            int found = 0;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (dataStarts[mid] <= pos) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }

        private FileChannel open(int file) throws IOException {
            if (channelFile != file) {
                close();
                channel = FileChannel.open(layout.files.get(file).file(), StandardOpenOption.READ);
                channelFile = file;
            }
            return channel;
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // read-only: nothing to lose
                }
                channel = null;
                channelFile = -1;
            }
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has " + algorithm, e);
        }
    }
}
