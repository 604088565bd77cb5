package io.hivemind.bt.storage.resume;

import io.hivemind.bt.storage.internal.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stores resume files in a directory, durably (HARDENING.md "Storage and durability"):
 * <ol>
 *   <li>write {@code <name>.resume.tmp} and fsync it;</li>
 *   <li>rename the current {@code <name>.resume} to {@code <name>.resume.bak} (the previous good version);</li>
 *   <li>rename the temporary file to {@code <name>.resume};</li>
 *   <li>fsync the directory.</li>
 * </ol>
 * A crash at any point leaves a complete current file, or none and a complete {@code .bak}; never a zero-length or
 * half-written file under either name. {@link #load} reads the current file, falls back to {@code .bak} when it is
 * missing, empty or does not decode, and reports "none" (a full recheck) when neither is usable.
 *
 * <p>Blocking (fsync): call it on the disk executor. Saves of one name must not run concurrently (the session saves
 * each torrent from one place); different names may.
 */
public final class ResumeStore {
    private final Path dir;

    public ResumeStore(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    public Path dir() {
        return dir;
    }

    /** Where {@link #load} found the data. */
    public enum Source {
        /** The current file. */
        PRIMARY,
        /** The current file was missing or broken; the previous version was used. */
        BACKUP,
        /** Neither was usable: recheck everything. */
        NONE
    }

    /**
     * The outcome of {@link #load}.
     *
     * @param data     the resume data, or null when {@link Source#NONE}
     * @param source   which file it came from
     * @param problems why files were skipped (for the log)
     */
    public record Loaded(ResumeData data, Source source, List<String> problems) {
        public Loaded {
            problems = List.copyOf(problems);
        }
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,100}")) {
            throw new IllegalArgumentException("resume name must be 1-100 letters, digits, '-' or '_': " + name);
        }
    }

    public Path path(String name) {
        checkName(name);
        return dir.resolve(name + ".resume");
    }

    public Path backupPath(String name) {
        return dir.resolve(name + ".resume.bak");
    }

    private Path tempPath(String name) {
        return dir.resolve(name + ".resume.tmp");
    }

    /** Writes {@code data} atomically and durably under {@code name}, keeping the previous version as {@code .bak}. */
    public void save(String name, ResumeData data) {
        Path current = path(name);
        Path tmp = tempPath(name);
        byte[] bytes = ResumeDataCodec.encode(data);
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            if (Files.exists(current, LinkOption.NOFOLLOW_LINKS) && Files.size(current) > 0) {
                move(current, backupPath(name));
            }
            move(tmp, current);
            fsyncDirectory(dir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next save truncates it
            }
            throw IoErrors.wrap("saving resume data " + current, e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forces a directory's entries (renames) to disk. A no-op where directories cannot be opened (Windows). */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // not supported here: renames are still atomic, only their durability is weaker
        }
    }

    /** Loads {@code name}: the current file, else the backup, else nothing. Never throws for bad files. */
    public Loaded load(String name) {
        List<String> problems = new ArrayList<>();
        ResumeData d = tryLoad(path(name), problems);
        if (d != null) {
            return new Loaded(d, Source.PRIMARY, problems);
        }
        d = tryLoad(backupPath(name), problems);
        if (d != null) {
            return new Loaded(d, Source.BACKUP, problems);
        }
        return new Loaded(null, Source.NONE, problems);
    }

    private static ResumeData tryLoad(Path p, List<String> problems) {
        try {
            if (Files.size(p) > ResumeDataCodec.MAX_BYTES) {
                problems.add(p + ": larger than " + ResumeDataCodec.MAX_BYTES + " bytes");
                return null;
            }
            byte[] bytes = Files.readAllBytes(p);
            if (bytes.length == 0) {
                problems.add(p + ": empty");
                return null;
            }
            return ResumeDataCodec.decode(bytes);
        } catch (NoSuchFileException e) {
            problems.add(p + ": missing");
            return null;
        } catch (IOException e) {
            problems.add(p + ": " + e);
            return null;
        } catch (ResumeDataException e) {
            problems.add(p + ": " + e.reason() + ": " + e.getMessage());
            return null;
        }
    }

    /** Deletes every file of {@code name} (torrent removed). */
    public void delete(String name) {
        try {
            Files.deleteIfExists(path(name));
            Files.deleteIfExists(backupPath(name));
            Files.deleteIfExists(tempPath(name));
        } catch (IOException e) {
            throw IoErrors.wrap("deleting resume data " + name, e);
        }
    }
}
