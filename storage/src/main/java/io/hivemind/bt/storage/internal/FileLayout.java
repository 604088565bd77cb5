package io.hivemind.bt.storage.internal;

import io.hivemind.bt.storage.StorageException;
import io.hivemind.bt.storage.StorageException.Kind;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a torrent's bytes live: the path of every file below the save directory, and the mapping from a range of a
 * piece to the file slices that hold it. Immutable and thread-safe.
 *
 * <p>Confinement (HARDENING.md "File names"): the parser already sanitises names, but the store does not rely on
 * it. Every path component is checked lexically when the layout is built (no empty component, {@code .},
 * {@code ..}, separator or NUL; nothing absolute; the joined path must stay below the save directory), and again on
 * disk whenever a file is opened: {@link #resolveForWrite} walks the directories one at a time, creating the
 * missing ones and following a symlink only when its real path stays inside the save directory's real path;
 * {@link #resolveForRead} does the same without creating anything. A check-then-open race with a process that can
 * already write into the save directory is not defended against.
 */
public final class FileLayout {
    private final InfoDictionary info;
    private final List<FileEntry> files;
    private final Path root;
    private final Path[] paths;
    private final long pieceLength;
    private volatile Path realRoot;

    private FileLayout(InfoDictionary info, Path root, Path[] paths) {
        this.info = info;
        this.files = info.files();
        this.root = root;
        this.paths = paths;
        this.pieceLength = info.pieceLength();
    }

    /**
     * Builds the layout of {@code info} below {@code saveDir}: a single-file torrent's file is
     * {@code saveDir/name}, a multi-file torrent's files are {@code saveDir/name/path...}.
     *
     * @throws StorageException {@link Kind#PATH_ESCAPE} for a path that is not confined to {@code saveDir}
     */
    public static FileLayout of(InfoDictionary info, Path saveDir) {
        Path root = saveDir.toAbsolutePath().normalize();
        List<FileEntry> files = info.files();
        Path[] paths = new Path[files.size()];
        for (FileEntry f : files) {
            if (f.isPad()) {
                continue;
            }
            Path p = root;
            if (!info.isSingleFile()) {
                p = p.resolve(component(info.name()));
            }
            if (f.path().isEmpty()) {
                throw escape("empty path for file " + f.index());
            }
            for (String c : f.path()) {
                p = p.resolve(component(c));
            }
            Path n = p.normalize();
            if (!n.startsWith(root) || n.equals(root)) {
                throw escape("path " + f.pathString() + " leaves the save directory");
            }
            paths[f.index()] = n;
        }
        return new FileLayout(info, root, paths);
    }

    private static Path component(String c) {
        if (c == null || c.isEmpty() || c.equals(".") || c.equals("..") || c.indexOf('/') >= 0
                || c.indexOf('\0') >= 0 || c.indexOf('\\') >= 0) {
            throw escape("unsafe path component '" + (c == null ? "null" : c.replace("\0", "\\0")) + "'");
        }
        Path p;
        try {
            p = Path.of(c);
        } catch (RuntimeException e) {
            throw escape("invalid path component '" + c + "': " + e.getMessage());
        }
        if (p.isAbsolute() || p.getNameCount() != 1 || p.getRoot() != null) {
            throw escape("path component '" + c + "' is not a plain name");
        }
        return p;
    }

    private static StorageException escape(String message) {
        return new StorageException(Kind.PATH_ESCAPE, message);
    }

    public InfoDictionary info() {
        return info;
    }

    /** The save directory (absolute, normalised). */
    public Path root() {
        return root;
    }

    public int fileCount() {
        return paths.length;
    }

    public FileEntry file(int index) {
        return files.get(index);
    }

    /** The lexical path of file {@code index}, or null for a pad file. */
    public Path path(int index) {
        return paths[index];
    }

    /** True for files whose bytes are stored (not pad, not empty). */
    public boolean stored(int index) {
        FileEntry f = files.get(index);
        return !f.isPad() && f.length() > 0;
    }

    /** Receives the file slices of a range, in order. */
    @FunctionalInterface
    public interface SliceVisitor {
        /**
         * @param file        file index
         * @param fileOffset  offset in the file
         * @param rangeOffset offset in the visited range
         * @param length      bytes of the slice
         */
        void slice(int file, long fileOffset, int rangeOffset, int length) throws IOException;
    }

    /**
     * Visits the file slices of {@code [offset, offset + length)} of {@code piece}: consecutive, covering the range
     * exactly, pad files included, empty files skipped.
     *
     * @throws IllegalArgumentException when the range leaves the piece or falls into a v2 alignment gap
     */
    public void forEachSlice(int piece, int offset, int length, SliceVisitor visitor) throws IOException {
        int size = info.pieceSize(piece);
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException(
                    "range " + offset + "+" + length + " outside piece " + piece + " of " + size + " bytes");
        }
        if (length == 0) {
            return;
        }
        long start = piece * pieceLength + offset;
        long end = start + length;
        int fi = info.fileIndexAt(start);
        if (fi < 0) {
            throw new IllegalArgumentException("piece " + piece + " offset " + offset + " is in no file");
        }
        long pos = start;
        while (pos < end) {
            if (fi >= files.size()) {
                throw new IllegalArgumentException("range of piece " + piece + " runs past the last file");
            }
            FileEntry f = files.get(fi);
            if (f.length() == 0 || f.end() <= pos) {
                fi++;
                continue;
            }
            if (f.offset() > pos) {
                throw new IllegalArgumentException("range of piece " + piece + " crosses an alignment gap");
            }
            long sliceEnd = Math.min(end, f.end());
            visitor.slice(fi, pos - f.offset(), (int) (pos - start), (int) (sliceEnd - pos));
            pos = sliceEnd;
            fi++;
        }
    }

    /** The pieces holding a byte of file {@code index} at or after {@code fromFileOffset}. */
    public Bitfield piecesOf(int index, long fromFileOffset) {
        Bitfield b = new Bitfield(info.pieceCount());
        FileEntry f = files.get(index);
        if (f.length() == 0 || fromFileOffset >= f.length()) {
            return b;
        }
        int first = (int) ((f.offset() + Math.max(0, fromFileOffset)) / pieceLength);
        int last = f.lastPiece(pieceLength);
        for (int p = first; p <= last; p++) {
            b.set(p);
        }
        return b;
    }

    /** The save directory's real path, created first when {@code create}. */
    private Path realRoot(boolean create) throws IOException {
        Path r = realRoot;
        if (r == null) {
            if (create) {
                Files.createDirectories(root);
            }
            r = root.toRealPath();
            realRoot = r;
        }
        return r;
    }

    /**
     * The path to open file {@code index} for writing, after creating its missing directories; every existing
     * component is checked against symlink escapes.
     */
    public Path resolveForWrite(int index) throws IOException {
        return resolve(index, true);
    }

    /**
     * The path to open file {@code index} for reading, creating nothing.
     *
     * @throws NoSuchFileException when the file or a directory on its path is missing
     */
    public Path resolveForRead(int index) throws IOException {
        return resolve(index, false);
    }

    private Path resolve(int index, boolean create) throws IOException {
        Path lexical = paths[index];
        if (lexical == null) {
            throw new IllegalArgumentException("file " + index + " is a pad file");
        }
        Path real = realRoot(create);
        Path rel = root.relativize(lexical);
        Path cur = real;
        int n = rel.getNameCount();
        for (int i = 0; i < n - 1; i++) {
            cur = cur.resolve(rel.getName(i));
            if (Files.isSymbolicLink(cur)) {
                cur = confined(cur, real);
            } else if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
                if (!create) {
                    throw new NoSuchFileException(cur.toString());
                }
                try {
                    Files.createDirectory(cur);
                } catch (FileAlreadyExistsException raced) {
                    if (Files.isSymbolicLink(cur)) {
                        cur = confined(cur, real);
                    }
                }
            }
            if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(cur + " is not a directory");
            }
        }
        Path target = cur.resolve(rel.getFileName());
        if (Files.isSymbolicLink(target)) {
            return confined(target, real);
        }
        return target;
    }

    private static Path confined(Path link, Path realRoot) throws IOException {
        Path r;
        try {
            r = link.toRealPath();
        } catch (NoSuchFileException dangling) {
            Path t = Files.readSymbolicLink(link);
            Path abs = link.getParent().resolve(t).normalize();
            if (!abs.startsWith(realRoot)) {
                throw escape("symlink " + link + " points outside the save directory");
            }
            throw dangling;
        }
        if (!r.startsWith(realRoot) || r.equals(realRoot)) {
            throw escape("symlink " + link + " points outside the save directory (" + r + ")");
        }
        return r;
    }
}
