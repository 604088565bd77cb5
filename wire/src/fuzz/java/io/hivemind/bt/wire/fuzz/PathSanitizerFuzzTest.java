package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.metainfo.MetainfoException;
import io.hivemind.bt.wire.metainfo.PathSanitizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * HARDENING.md "File names": whatever the names, sanitised paths are idempotent, short enough, free of separators,
 * and resolve strictly inside the root; deduplicated paths are unique as a case-insensitive file system sees them.
 */
class PathSanitizerFuzzTest {
    private static final Path ROOT = Path.of("/download-root");

    @FuzzTest(maxDuration = "10s")
    void sanitize(FuzzedDataProvider data) {
        List<String> raw = new ArrayList<>();
        int n = data.consumeInt(1, 8);
        for (int i = 0; i < n; i++) {
            raw.add(data.consumeString(300));
        }
        List<String> safe = PathSanitizer.sanitizePath(raw, 255);
        for (String c : safe) {
            assertEquals(c, PathSanitizer.sanitizeComponent(c));
            assertTrue(c.getBytes(StandardCharsets.UTF_8).length <= 255);
            assertFalse(c.contains("/") || c.contains("\\") || c.equals(".") || c.equals(".."));
        }
        if (!safe.isEmpty()) {
            Path p = PathSanitizer.resolve(ROOT, safe);
            assertTrue(p.startsWith(ROOT) && !p.equals(ROOT));
            assertEquals(safe.size(), p.getNameCount() - ROOT.getNameCount());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void deduplicate(FuzzedDataProvider data) {
        List<List<String>> paths = new ArrayList<>();
        int files = data.consumeInt(1, 40);
        for (int i = 0; i < files; i++) {
            List<String> p = PathSanitizer.sanitizePath(List.of(data.consumeString(8), data.consumeString(8)), 255);
            if (!p.isEmpty()) {
                paths.add(p);
            }
        }
        int limit = data.consumeInt(0, 50);
        List<List<String>> unique;
        try {
            unique = PathSanitizer.deduplicate(paths, limit);
        } catch (MetainfoException tooMany) {
            assertEquals(MetainfoException.Reason.DUPLICATE_PATH, tooMany.reason());
            return;
        }
        Set<String> seen = new HashSet<>();
        Set<String> dirs = new HashSet<>();
        for (List<String> p : unique) {
            for (int i = 1; i < p.size(); i++) {
                dirs.add(String.join("/", p.subList(0, i)).toLowerCase(Locale.ROOT));
            }
        }
        for (List<String> p : unique) {
            String key = String.join("/", p).toLowerCase(Locale.ROOT);
            assertTrue(seen.add(key), "duplicate " + key);
            assertFalse(dirs.contains(key), "a file named like a directory: " + key);
            for (String c : p) {
                assertTrue(PathSanitizer.isSafeComponent(c), c);
            }
        }
    }
}
