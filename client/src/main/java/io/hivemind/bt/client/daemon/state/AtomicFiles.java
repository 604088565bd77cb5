package io.hivemind.bt.client.daemon.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;

/**
 * Durable file replacement (DESIGN.md "State on disk", HARDENING.md "Storage and durability"): write a temporary
 * file in the same directory, fsync it, move the previous version to {@code .bak}, rename the temporary file over
 * the target, fsync the directory. After a crash at any point the target or its {@code .bak} holds a complete
 * version, never a zero-length or half-written file; {@link #read} falls back to the {@code .bak} when the target
 * is missing or does not parse. Stateless and thread-safe for distinct targets; callers serialise writes to one
 * target.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public static void write(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        if (Files.exists(target)) {
            move(target, backup(target));
        }
        move(tmp, target);
        fsyncDirectory(dir);
    }

    /**
     * Reads and parses {@code target}, falling back to its {@code .bak} when the target is missing or
     * {@code parse} throws; null when neither gives a value.
     */
    public static <T> T read(Path target, Function<byte[], T> parse) {
        for (Path p : new Path[] {target, backup(target)}) {
            try {
                return parse.apply(Files.readAllBytes(p));
            } catch (NoSuchFileException e) {
                // try the next
            } catch (IOException | RuntimeException e) {
                System.getLogger(AtomicFiles.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot read {0}: {1}", p, e.toString());
            }
        }
        return null;
    }

    /** Deletes the target, its backup and any leftover temporary file. */
    public static void delete(Path target) throws IOException {
        Files.deleteIfExists(target);
        Files.deleteIfExists(backup(target));
        Files.deleteIfExists(target.resolveSibling(target.getFileName() + ".tmp"));
        Path dir = target.toAbsolutePath().getParent();
        if (Files.isDirectory(dir)) {
            fsyncDirectory(dir);
        }
    }

    public static Path backup(Path target) {
        return target.resolveSibling(target.getFileName() + ".bak");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems refuse to open or sync directories; the rename is still atomic there
            if (!(e.getMessage() != null && e.getMessage().contains("Is a directory"))) {
                throw e;
            }
        }
    }
}
