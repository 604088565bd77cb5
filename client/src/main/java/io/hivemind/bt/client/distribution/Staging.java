package io.hivemind.bt.client.distribution;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lays out a distribution's files the way its torrent names them: a directory {@code <root>/<name>/} holding hard
 * links to the caller's files (a copy where a link is impossible, e.g. across file systems), so the coordinator's
 * session seeds them without copying gigabytes, plus the manifest. Hard links, not symbolic links: the session
 * refuses to follow a link out of the save directory. A file changed in place after staging changes the seeded
 * data too (workers then see hash failures); publish a new version instead. Stateless.
 */
final class Staging {
    private Staging() {
    }

    /** A staged file: where it is under the torrent directory, and its size. */
    record Staged(String path, long size) {
    }

    /**
     * Stages {@code sources} under {@code dir} (created; must not exist): a regular file becomes
     * {@code dir/<its name>}; a directory becomes {@code dir/<its name>/…}, or its contents go straight into
     * {@code dir} when {@code flatten} is set (a model directory). Names must not clash.
     */
    static List<Staged> stage(Path dir, List<Path> sources, boolean flatten) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(dir.toString());
        }
        Files.createDirectories(dir);
        List<Staged> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path source : sources) {
            Path src = source.toAbsolutePath().normalize();
            BasicFileAttributes a = Files.readAttributes(src, BasicFileAttributes.class);
            if (a.isRegularFile()) {
                String name = src.getFileName().toString();
                if (!names.add(name)) {
                    throw new IllegalArgumentException("two files named " + name);
                }
                link(src, dir.resolve(name));
                out.add(new Staged(name, a.size()));
            } else if (a.isDirectory()) {
                Path base = flatten ? dir : dir.resolve(src.getFileName().toString());
                String prefix = flatten ? "" : src.getFileName() + "/";
                if (!flatten && !names.add(src.getFileName().toString())) {
                    throw new IllegalArgumentException("two entries named " + src.getFileName());
                }
                Files.walkFileTree(src, EnumSet.of(FileVisitOption.FOLLOW_LINKS), 100, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        if (!attrs.isRegularFile()) {
                            return FileVisitResult.CONTINUE;
                        }
                        Path rel = src.relativize(file);
                        String relName = rel.toString().replace(java.io.File.separatorChar, '/');
                        if (flatten && !names.add(relName)) {
                            throw new IllegalArgumentException("two files named " + relName);
                        }
                        Path target = base.resolve(rel.toString());
                        Files.createDirectories(target.getParent());
                        link(file, target);
                        out.add(new Staged(prefix + relName, attrs.size()));
                        return FileVisitResult.CONTINUE;
                    }
                });
            } else {
                throw new IllegalArgumentException(source + " is neither a regular file nor a directory");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("nothing to distribute: no regular files");
        }
        return out;
    }

    private static void link(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (UnsupportedOperationException | IOException e) {
            if (e instanceof FileAlreadyExistsException) {
                throw (FileAlreadyExistsException) e;
            }
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Deletes a staging directory tree (the links only; the caller's files stay). */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
