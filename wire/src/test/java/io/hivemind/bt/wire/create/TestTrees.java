package io.hivemind.bt.wire.create;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Directory trees and files with deterministic pseudo-random content for creation tests. */
final class TestTrees {
    private TestTrees() {
    }

    /** Writes {@code size} pseudo-random bytes (seeded by the path) to {@code file}, creating its directories. */
    static Path file(Path file, long size) {
        try {
            Files.createDirectories(file.getParent());
            Random r = new Random(file.getFileName().toString().hashCode() * 31L + size);
            byte[] chunk = new byte[1 << 16];
            try (var out = Files.newOutputStream(file)) {
                long left = size;
                while (left > 0) {
                    r.nextBytes(chunk);
                    int n = (int) Math.min(chunk.length, left);
                    out.write(chunk, 0, n);
                    left -= n;
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A named fixture below {@code base}: single files of odd sizes around the piece length, a multi-file tree with
     * nested directories, empty files and names whose mktorrent and file-tree orders differ, a directory holding one
     * file, a tree whose last file is empty, and bigger files that span several hashing chunks.
     */
    static Path fixture(String name, Path base, long pieceLength) {
        Path root = base.resolve(name);
        switch (name) {
            case "single-1" -> file(root, 1);
            case "single-pl-1" -> file(root, pieceLength - 1);
            case "single-pl" -> file(root, pieceLength);
            case "single-pl+1" -> file(root, pieceLength + 1);
            case "single-odd" -> file(root, 3 * pieceLength + 12_345);
            case "multi" -> {
                file(root.resolve("a/b"), 5);
                file(root.resolve("a-c"), pieceLength + 1);
                file(root.resolve("a.x"), 0);
                file(root.resolve("A"), pieceLength - 1);
                file(root.resolve("ab/c/d"), 2 * pieceLength);
                file(root.resolve("sub/deep/z"), 70_000);
                file(root.resolve("sub/empty"), 0);
                file(root.resolve("sub/x"), 1);
                file(root.resolve("\u00e9t\u00e9.txt"), 3);
                file(root.resolve(".hidden"), 100);
            }
            case "one-in-dir" -> file(root.resolve("only.bin"), 50_000);
            case "last-empty" -> {
                file(root.resolve("f0"), 5);
                file(root.resolve("zz-empty"), 0);
            }
            case "big" -> {
                file(root.resolve("big1"), 9 * (1 << 20) + 123);
                file(root.resolve("big2"), 3 * (1 << 20));
            }
            default -> throw new IllegalArgumentException(name);
        }
        return root;
    }
}
