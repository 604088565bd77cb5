package io.hivemind.bt.wire.create;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One file to put in a torrent: where it is on disk, its path components below the torrent's root directory (for a
 * single-file torrent, just its name), its size when it was listed, and whether it is executable.
 */
record SourceFile(Path file, List<String> components, long length, boolean executable) {

    SourceFile {
        components = List.copyOf(components);
    }

    /**
     * mktorrent's order, used for v1 torrents: the whole relative path, components joined with '/', compared as
     * unsigned UTF-8 bytes (C's {@code strcmp}). So {@code "a-c"} sorts before {@code "a/b"}.
     */
    static final Comparator<SourceFile> V1_ORDER = (a, b) -> Arrays.compareUnsigned(
            String.join("/", a.components).getBytes(StandardCharsets.UTF_8),
            String.join("/", b.components).getBytes(StandardCharsets.UTF_8));

    /**
     * The BEP 52 file tree's order, used for v2 and hybrid torrents (and libtorrent's canonical order): component
     * by component, each compared as unsigned UTF-8 bytes, a shorter prefix first. So {@code "a/b"} sorts before
     * {@code "a-c"}.
     */
    static final Comparator<SourceFile> TREE_ORDER = (a, b) -> {
        int n = Math.min(a.components.size(), b.components.size());
        for (int i = 0; i < n; i++) {
            int c = Arrays.compareUnsigned(a.components.get(i).getBytes(StandardCharsets.UTF_8),
                    b.components.get(i).getBytes(StandardCharsets.UTF_8));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.components.size(), b.components.size());
    };
}
