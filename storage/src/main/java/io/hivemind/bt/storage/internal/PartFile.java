package io.hivemind.bt.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The part file: where the bytes of files with priority 0 ("skip") go when a piece shared with a wanted file is
 * written, so skipped files are never created. One per torrent, {@code .<id>.parts} in the save directory, created
 * on first use and deleted when its last slot is freed.
 *
 * <p>Layout: a header ({@code "HBTPART1"}, piece length, piece count, then one big-endian int per piece: its slot
 * plus one, 0 for none), padded to 4 KiB, followed by slots of one piece length each. Only the bytes of skipped
 * files are written into a slot, so slots are sparse. A slot's data is written before its header entry, so after a
 * crash an entry always points at written data (that of a verified piece: nothing else is ever written). A header
 * that does not match the torrent is ignored and overwritten.
 *
 * <p>Implementation note: the same scheme as libtorrent's part_file (a slot table in front of piece-sized slots);
 * the header is written lazily, entry by entry, so a torrent with two million pieces pays for the 8 MiB table only
 * in address space. Thread-safe: slot bookkeeping is synchronized, data transfers to distinct slots run in
 * parallel.
 */
public final class PartFile {
    private static final byte[] MAGIC = "HBTPART1".getBytes(StandardCharsets.US_ASCII);
    private static final int FIXED_HEADER = 16;

    private final HandlePool pool;
    private final HandlePool.Key key;
    private final Path path;
    private final int pieceLength;
    private final int pieceCount;
    private final long dataStart;
    private final int[] slotOf;
    private final BitSet usedSlots = new BitSet();
    private boolean headerWritten;

    public PartFile(HandlePool pool, long owner, Path path, int pieceLength, int pieceCount) {
        this.pool = pool;
        this.key = new HandlePool.Key(owner, HandlePool.PART_FILE);
        this.path = path;
        this.pieceLength = pieceLength;
        this.pieceCount = pieceCount;
        long header = FIXED_HEADER + 4L * pieceCount;
        this.dataStart = (header + 4095) & ~4095L;
        this.slotOf = new int[pieceCount];
        Arrays.fill(slotOf, -1);
        load();
    }

    public Path path() {
        return path;
    }

    private void load() {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer fixed = ByteBuffer.allocate(FIXED_HEADER);
            readFully(ch, fixed, 0);
            fixed.flip();
            byte[] magic = new byte[8];
            fixed.get(magic);
            if (!Arrays.equals(magic, MAGIC) || fixed.getInt() != pieceLength || fixed.getInt() != pieceCount) {
                return; // not ours (another torrent or a corrupt file): overwritten on first use
            }
            long fileSize = ch.size();
            ByteBuffer table = ByteBuffer.allocate(64 * 1024);
            for (int p = 0; p < pieceCount; ) {
                table.clear();
                int n = Math.min(table.capacity() / 4, pieceCount - p);
                table.limit(n * 4);
                readFully(ch, table, FIXED_HEADER + 4L * p);
                table.flip();
                for (int i = 0; i < n; i++, p++) {
                    int s = table.getInt() - 1;
                    if (s >= 0 && s < pieceCount && !usedSlots.get(s) && dataStart + (long) s * pieceLength < fileSize) {
                        slotOf[p] = s;
                        usedSlots.set(s);
                    }
                }
            }
            headerWritten = true;
        } catch (IOException e) {
            Arrays.fill(slotOf, -1);
            usedSlots.clear();
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                // a short header reads as zeros (no slot)
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            pos += n;
        }
    }

    /** True when {@code piece} has a slot. */
    public synchronized boolean has(int piece) {
        return slotOf[piece] >= 0;
    }

    /** The pieces that have a slot. */
    public synchronized int[] pieces() {
        int n = 0;
        for (int s : slotOf) {
            if (s >= 0) {
                n++;
            }
        }
        int[] out = new int[n];
        int k = 0;
        for (int p = 0; p < pieceCount; p++) {
            if (slotOf[p] >= 0) {
                out[k++] = p;
            }
        }
        return out;
    }

    /** True when the part file exists on disk. */
    public boolean exists() {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Writes {@code src} at {@code offsetInPiece} of {@code piece}'s slot, allocating the slot when needed. */
    public void write(int piece, int offsetInPiece, ByteBuffer src) throws IOException {
        int slot;
        boolean fresh = false;
        synchronized (this) {
            slot = slotOf[piece];
            if (slot < 0) {
                slot = usedSlots.nextClearBit(0);
                usedSlots.set(slot);
                slotOf[piece] = slot;
                fresh = true;
            }
        }
        FileHandle h = null;
        try {
            h = pool.acquire(key, k -> open());
            long pos = dataStart + (long) slot * pieceLength + offsetInPiece;
            while (src.hasRemaining()) {
                pos += h.channel().write(src, pos);
            }
            if (fresh) {
                writeEntry(h.channel(), piece, slot + 1);
            }
        } catch (IOException | RuntimeException e) {
            if (fresh) {
                synchronized (this) {
                    slotOf[piece] = -1;
                    usedSlots.clear(slot);
                }
            }
            throw e;
        } finally {
            if (h != null) {
                h.release();
            }
        }
    }

    /** Reads {@code dst.remaining()} bytes at {@code offsetInPiece} of {@code piece}'s slot. */
    public void read(int piece, int offsetInPiece, ByteBuffer dst) throws IOException {
        int slot;
        synchronized (this) {
            slot = slotOf[piece];
        }
        if (slot < 0) {
            throw new NoSuchFileException(path + " (piece " + piece + " is not in the part file)");
        }
        FileHandle h = pool.acquire(key, k -> open());
        try {
            long pos = dataStart + (long) slot * pieceLength + offsetInPiece;
            while (dst.hasRemaining()) {
                int n = h.channel().read(dst, pos);
                if (n < 0) {
                    while (dst.hasRemaining()) {
                        dst.put((byte) 0); // never-written tail of a sparse slot
                    }
                    return;
                }
                pos += n;
            }
        } finally {
            h.release();
        }
    }

    /** Frees {@code piece}'s slot; deletes the part file when no slot is left. */
    public void free(int piece) throws IOException {
        int slot;
        synchronized (this) {
            slot = slotOf[piece];
            if (slot < 0) {
                return;
            }
            slotOf[piece] = -1;
            usedSlots.clear(slot);
            if (usedSlots.isEmpty()) {
                pool.invalidate(key);
                Files.deleteIfExists(path);
                headerWritten = false;
                return;
            }
        }
        FileHandle h = pool.acquire(key, k -> open());
        try {
            writeEntry(h.channel(), piece, 0);
        } finally {
            h.release();
        }
    }

    /** Forces written slots and entries to disk. */
    public void force() throws IOException {
        FileHandle h = pool.peek(key);
        if (h != null) {
            try {
                h.channel().force(false);
            } finally {
                h.release();
            }
        }
    }

    private void writeEntry(FileChannel ch, int piece, int value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(0, value);
        long pos = FIXED_HEADER + 4L * piece;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    private FileHandle open() throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            synchronized (this) {
                if (!headerWritten) {
                    ByteBuffer fixed = ByteBuffer.allocate(FIXED_HEADER);
                    fixed.put(MAGIC).putInt(pieceLength).putInt(pieceCount).flip();
                    ch.truncate(0);
                    long pos = 0;
                    while (fixed.hasRemaining()) {
                        pos += ch.write(fixed, pos);
                    }
                    // entries of slots allocated before the header existed are written by their writers
                    headerWritten = true;
                }
            }
            return new FileHandle(HandlePool.PART_FILE, path, ch, true, null, Long.MAX_VALUE, null, null, 0);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
