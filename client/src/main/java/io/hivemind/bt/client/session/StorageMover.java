package io.hivemind.bt.client.session;

import io.hivemind.bt.client.ClientException;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Moves a torrent's files from one save directory to another ({@code TorrentHandle.moveStorage} with
 * {@code moveData}), or deletes them (removal with the data): every data file that exists, and the part file
 * ({@code .<id>.parts}) that holds the bytes of skipped files. The layout below the save directory stays the same
 * (a multi-file torrent's files stay in the directory named after the torrent).
 *
 * <p>Implementation note: nothing is overwritten. Every target is checked first and the move fails with
 * {@link FileAlreadyExistsException} before anything is touched if one exists (libtorrent's {@code fail_if_exist});
 * to point a torrent at data that is already there, move without data. Files are moved one by one with
 * {@link Files#move}: a rename on the same file system, a copy (with the modification time, so resume data still
 * matches) and delete across file systems. If a move fails half-way, the files already moved are moved back, and
 * the error is rethrown. Directories left empty in the old location are removed. Paths come from a parsed (and so
 * sanitised) info dictionary, and are checked again here to stay below both save directories.
 *
 * <p>Blocking; {@link #moveAsync} runs it on a virtual thread. The caller makes sure nothing uses the files during
 * the move (the torrent closes its storage first). Stateless and thread-safe.
 */
final class StorageMover {
    private static final System.Logger LOG = System.getLogger(StorageMover.class.getName());

    private StorageMover() {
    }

    /** {@link #move} on a new virtual thread. */
    static CompletableFuture<Void> moveAsync(InfoDictionary info, String partFileId, Path from, Path to) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread.ofVirtual().name("hivebt-move-storage").start(() -> {
            try {
                move(info, partFileId, from, to);
                f.complete(null);
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Moves the files of {@code info} (and the part file named after {@code partFileId}) from the save directory
     * {@code from} to {@code to}, creating {@code to} if needed.
     *
     * @throws FileAlreadyExistsException if a target file exists (nothing was moved)
     * @throws IOException                if a file cannot be moved (the ones already moved were moved back)
     */
    static void move(InfoDictionary info, String partFileId, Path from, Path to) throws IOException {
        Path src = from.toAbsolutePath().normalize();
        Path dst = to.toAbsolutePath().normalize();
        if (src.equals(dst)) {
            return;
        }
        List<Path> relative = relativePaths(info, partFileId);
        List<Path> present = new ArrayList<>();
        for (Path rel : relative) {
            if (Files.exists(src.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(dst.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(dst.resolve(rel).toString(), null,
                            "the target exists; move without data to use it");
                }
                present.add(rel);
            }
        }
        Files.createDirectories(dst);
        List<Path> moved = new ArrayList<>();
        try {
            for (Path rel : present) {
                Path target = dst.resolve(rel);
                Files.createDirectories(target.getParent());
                Files.move(src.resolve(rel), target);
                moved.add(rel);
            }
        } catch (IOException | RuntimeException e) {
            for (int i = moved.size() - 1; i >= 0; i--) {
                Path rel = moved.get(i);
                try {
                    Files.move(dst.resolve(rel), src.resolve(rel));
                } catch (IOException back) {
                    e.addSuppressed(back);
                }
            }
            removeEmptyDirectories(dst, moved);
            throw e;
        }
        removeEmptyDirectories(src, present);
    }

    /**
     * Deletes the files of {@code info} and its part file below {@code root}, then the directories that are empty
     * afterwards (never {@code root}). Files that cannot be deleted are logged and left.
     */
    static void delete(InfoDictionary info, String partFileId, Path root) {
        Path dir = root.toAbsolutePath().normalize();
        List<Path> relative;
        try {
            relative = relativePaths(info, partFileId);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "not deleting the data of {0}: {1}", info.name(), e.getMessage());
            return;
        }
        for (Path rel : relative) {
            try {
                Files.deleteIfExists(dir.resolve(rel));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", dir.resolve(rel), e.getMessage());
            }
        }
        removeEmptyDirectories(dir, relative);
    }

    /** The paths below the save directory of every stored file and of the part file, lexically confined. */
    static List<Path> relativePaths(InfoDictionary info, String partFileId) {
        List<Path> out = new ArrayList<>();
        for (FileEntry f : info.files()) {
            if (f.isPad() || f.path().isEmpty()) {
                continue;
            }
            Path p = Path.of("");
            if (!info.isSingleFile()) {
                p = p.resolve(component(info.name()));
            }
            for (String c : f.path()) {
                p = p.resolve(component(c));
            }
            out.add(p);
        }
        out.add(Path.of(component("." + partFileId + ".parts")));
        return out;
    }

    private static String component(String c) {
        if (c.isEmpty() || c.equals(".") || c.equals("..") || c.indexOf('/') >= 0 || c.indexOf('\\') >= 0
                || c.indexOf('\0') >= 0) {
            throw new ClientException("unsafe path component in the torrent: '" + c.replace("\0", "\\0") + "'");
        }
        return c;
    }

    /** Removes the directories that held {@code files} below {@code root} when they are empty now (never root). */
    private static void removeEmptyDirectories(Path root, List<Path> files) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path rel : files) {
            for (Path d = rel.getParent(); d != null; d = d.getParent()) {
                dirs.add(d);
            }
        }
        List<Path> deepestFirst = new ArrayList<>(dirs);
        deepestFirst.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
        for (Path d : deepestFirst) {
            try {
                Files.deleteIfExists(root.resolve(d));
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                // still holds other files: keep it
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot remove {0}: {1}", root.resolve(d), e.toString());
            }
        }
    }
}
