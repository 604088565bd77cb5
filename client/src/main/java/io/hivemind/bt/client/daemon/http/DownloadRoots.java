package io.hivemind.bt.client.daemon.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories the API may put downloads in (HARDENING.md: no API call may set a download directory outside the
 * configured roots). A requested path is resolved against the default directory when relative, normalised, and
 * accepted only if it lies inside a root both lexically and after resolving symbolic links of its longest existing
 * ancestor, so neither {@code ../../etc} nor a symlink planted inside a root leads out. Immutable and thread-safe.
 */
public final class DownloadRoots {
    private final Path defaultDirectory;
    private final List<Path> roots;

    /**
     * @param defaultDirectory where downloads go when no path is given (must be inside a root)
     * @param roots            allowed roots; the default directory is always one
     */
    public DownloadRoots(Path defaultDirectory, List<Path> roots) {
        this.defaultDirectory = defaultDirectory.toAbsolutePath().normalize();
        List<Path> r = new ArrayList<>();
        r.add(this.defaultDirectory);
        for (Path p : roots) {
            Path n = p.toAbsolutePath().normalize();
            if (!r.contains(n)) {
                r.add(n);
            }
        }
        this.roots = List.copyOf(r);
    }

    public Path defaultDirectory() {
        return defaultDirectory;
    }

    public List<Path> roots() {
        return roots;
    }

    /**
     * The absolute, normalised directory for {@code requested} (null or blank means the default), or throws
     * {@link ApiException} 403 when it falls outside every root, 400 when it is not a path.
     */
    public Path resolve(String requested) {
        if (requested == null || requested.isBlank()) {
            return defaultDirectory;
        }
        if (requested.indexOf('\0') >= 0 || requested.length() > 4096) {
            throw new ApiException(400, "bad download directory");
        }
        Path p;
        try {
            p = Path.of(requested);
        } catch (InvalidPathException e) {
            throw new ApiException(400, "bad download directory: " + e.getReason());
        }
        p = (p.isAbsolute() ? p : defaultDirectory.resolve(p)).normalize();
        if (!inside(p)) {
            throw new ApiException(403, "download directory outside the allowed roots: " + requested);
        }
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null && inside(existing)) {
            try {
                Path real = existing.toRealPath();
                if (!insideReal(real)) {
                    throw new ApiException(403, "download directory leads outside the allowed roots: " + requested);
                }
            } catch (IOException e) {
                throw new ApiException(403, "download directory cannot be checked: " + requested);
            }
        }
        return p;
    }

    /** True if {@code p} (absolute, normalised) is inside a root lexically. */
    public boolean inside(Path p) {
        for (Path r : roots) {
            if (p.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    private boolean insideReal(Path real) {
        for (Path r : roots) {
            Path rr = r;
            try {
                rr = r.toRealPath();
            } catch (IOException e) {
                // a root that does not exist yet: compare lexically
            }
            if (real.startsWith(rr) || real.startsWith(r)) {
                return true;
            }
        }
        return false;
    }
}
