package io.hivemind.bt.wire.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** HARDENING.md "File names": names are sanitised deterministically and no name, however hostile, escapes its root. */
class PathSanitizerTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "..|''",
            ".|''",
            "''|''",
            "...|''",
            ". .|''",
            "a/b|a_b",
            "..\\..\\etc|.._.._etc",
            "/etc/passwd|_etc_passwd",
            "C:\\Windows|C:_Windows",
            "file.|file",
            "file. . |file",
            "name  |name",
            "CON|_CON",
            "con.txt|_con.txt",
            "Lpt1.tar.gz|_Lpt1.tar.gz",
            "CON .txt|_CON .txt",
            "CONIN$|_CONIN$",
            "CONSOLE|CONSOLE",
            "COMA|COMA",
            "COM\u00B9|_COM\u00B9",
            "\u00A0|''",
            "a\u00A0b|a b",
            "\u3000x|' x'",
            "evil\u202Etxt.exe|eviltxt.exe",
            "zero\u200Bwidth|zerowidth",
            "bom\uFEFF|bom",
            "nul\u0000byte|nulbyte",
            "del\u007F|del",
            "c1\u0085|c1",
            "ls\u2028ps\u2029|lsps",
            "vs\uFE0F|vs",
            "hangul\u3164|hangul",
            "\uFFFE\uFFFF|''",
            ".hidden|.hidden",
            "normal.txt|normal.txt",
            "\u00e9t\u00e9 \u4e2d\u6587.mkv|\u00e9t\u00e9 \u4e2d\u6587.mkv",
            "\uFF0E\uFF0E|\uFF0E\uFF0E",
    })
    void sanitisesOneComponent(String raw, String expected) {
        assertEquals(expected, PathSanitizer.sanitizeComponent(raw));
    }

    @Test
    void controlCharactersAreRemoved() {
        assertEquals("tabandnewline", PathSanitizer.sanitizeComponent("tab\tand\r\nnewline"));
    }

    @Test
    void loneSurrogatesAreRemoved() {
        assertEquals("ab", PathSanitizer.sanitizeComponent("a\uD800b"));
        assertEquals("a\uD83D\uDE00", PathSanitizer.sanitizeComponent("a\uD83D\uDE00")); // a real pair stays
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        byte[] raw = {'a', (byte) 0xC0, (byte) 0xAF, 'b'}; // an overlong '/'
        String s = PathSanitizer.sanitizeComponent(raw, 255);
        assertFalse(s.contains("/"));
        assertTrue(s.startsWith("a") && s.endsWith("b"));
        assertFalse(PathSanitizer.isValidUtf8(raw));
    }

    @Test
    void longNamesAreCutTo255BytesKeepingTheExtension() {
        String s = PathSanitizer.sanitizeComponent("x".repeat(300) + ".mkv");
        assertEquals(255, s.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(s.endsWith(".mkv"));
        // multi-byte characters are never split
        String cjk = PathSanitizer.sanitizeComponent("\u4e2d".repeat(200) + ".txt");
        assertTrue(cjk.getBytes(StandardCharsets.UTF_8).length <= 255);
        assertTrue(cjk.endsWith(".txt"));
        assertEquals(cjk, new String(cjk.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        // an extension too long to keep is cut with the rest
        String longExt = PathSanitizer.sanitizeComponent("a." + "e".repeat(300));
        assertEquals(255, longExt.getBytes(StandardCharsets.UTF_8).length);
        // cutting never leaves a trailing dot or space, nor a reserved name
        assertEquals("CON".length() + 1, PathSanitizer.sanitizeComponent("CON" + " ".repeat(300) + "x").length());
    }

    @Test
    void pathsDropEmptyComponents() {
        assertEquals(List.of("a", "b"), PathSanitizer.sanitizePath(List.of("", "a", ".", "..", "b", ""), 255));
        assertEquals(List.of(), PathSanitizer.sanitizePath(List.of("..", ".", ""), 255));
    }

    @Test
    void resolveRefusesUnsafeComponents() {
        Path root = tmp.resolve("root");
        assertThrows(IllegalArgumentException.class, () -> PathSanitizer.resolve(root, List.of("..")));
        assertThrows(IllegalArgumentException.class, () -> PathSanitizer.resolve(root, List.of("a/b")));
        assertThrows(IllegalArgumentException.class, () -> PathSanitizer.resolve(root, List.of()));
        assertEquals(root.toAbsolutePath().resolve("a").resolve("b.txt"),
                PathSanitizer.resolve(root, List.of("a", "b.txt")));
    }

    @Test
    void duplicatesAreRenamedCaseInsensitivelyLikeLibtorrent() {
        List<List<String>> out = PathSanitizer.deduplicate(List.of(
                List.of("b"), List.of("B"), List.of("A"), List.of("a", "b"), List.of("x.txt"), List.of("X.TXT"),
                List.of("X.txt")), 500);
        // files yield to directories ("A" vs the directory "a"), later files yield to earlier ones
        assertEquals(List.of(List.of("b"), List.of("B.1"), List.of("A.1"), List.of("a", "b"), List.of("x.txt"),
                List.of("X.1.TXT"), List.of("X.2.txt")), out);
    }

    @Test
    void unchangedPathsAreTheSameInstances() {
        List<String> p = List.of("d", "f");
        assertSame(p, PathSanitizer.deduplicate(List.of(p), 500).getFirst());
    }

    @Test
    void renamesOfLongNamesStayWithinTheLimit() {
        String name = "n".repeat(251) + ".bin";
        List<List<String>> out = PathSanitizer.deduplicate(List.of(List.of(name), List.of(name), List.of(name)), 500);
        assertEquals(3, new HashSet<>(out).size());
        for (List<String> p : out) {
            assertTrue(p.getFirst().getBytes(StandardCharsets.UTF_8).length <= 255, p.getFirst());
            assertTrue(p.getFirst().endsWith(".bin"));
        }
    }

    @Test
    void moreThanTheRenameLimitIsRejected() {
        List<List<String>> same = new ArrayList<>();
        for (int i = 0; i < 502; i++) {
            same.add(List.of("dup.txt"));
        }
        assertEquals(501, new HashSet<>(PathSanitizer.deduplicate(same.subList(0, 501), 500)).size());
        MetainfoException e = assertThrows(MetainfoException.class, () -> PathSanitizer.deduplicate(same, 500));
        assertEquals(MetainfoException.Reason.DUPLICATE_PATH, e.reason());
    }

    /** Sanitised names keep every invariant, whatever the input (QuickTheories over arbitrary code points). */
    @Test
    void sanitisedNamesKeepTheInvariants() {
        Gen<String> names = SourceDSL.strings().allPossible().ofLengthBetween(0, 300)
                .mix(SourceDSL.strings().betweenCodePoints(0, 0x7f).ofLengthBetween(0, 12), 50);
        qt().withExamples(5_000).forAll(names).checkAssert(PathSanitizerTest::assertSafe);
    }

    private static void assertSafe(String raw) {
        String s = PathSanitizer.sanitizeComponent(raw);
        assertEquals(s, PathSanitizer.sanitizeComponent(s), "idempotent");
        if (s.isEmpty()) {
            return;
        }
        assertTrue(s.getBytes(StandardCharsets.UTF_8).length <= 255, "at most 255 bytes");
        assertFalse(s.equals(".") || s.equals(".."));
        assertFalse(s.endsWith(".") || s.endsWith(" "), "no trailing dot or space: " + s);
        s.codePoints().forEach(cp -> {
            assertFalse(cp == '/' || cp == '\\', "separator");
            assertFalse(PathSanitizer.isInvisible(cp), () -> "invisible U+" + Integer.toHexString(cp));
        });
        String base = s.contains(".") ? s.substring(0, s.indexOf('.')) : s;
        assertFalse(Set.of("CON", "PRN", "AUX", "NUL").contains(base.strip().toUpperCase(Locale.ROOT)), s);
    }

    /** Hundreds of hostile names, generated from traversal atoms; each is created on disk and must land inside. */
    static List<String> hostileNames() {
        List<String> atoms = List.of("..", ".", "", "/", "\\", "../", "..\\", "/..", "\u0000", "%2e%2e", "%2f",
                "C:", "C:\\", "\\\\server\\share", "/etc/passwd", "~", " ", "  ", "\u202E", "\u200B", "\u2066",
                "CON", "nul.txt", "com1", "LPT9.log", "\uFF0E\uFF0E", "\uFF0F", "\u2215", "\u2024\u2024", "..;",
                "\n", "\r", "\t", "\u007F", "\u0085", "\uFEFF", "\uFFFF", "a", "x".repeat(260), ".hidden", "...",
                ". .", "\u00A0", "\u3000", "\uD800", "\u00e9");
        Set<String> out = new LinkedHashSet<>(atoms);
        for (String a : atoms) {
            for (String b : List.of("..", "/", "\\", ".", " ", "\u0000", "x", "\u202E", "CON")) {
                out.add(a + b);
                out.add(b + a);
            }
        }
        return new ArrayList<>(out);
    }

    @Test
    void theHostileCorpusIsLarge() {
        assertTrue(hostileNames().size() >= 500, "corpus of " + hostileNames().size());
    }

    /**
     * Every hostile name, alone and in multi-component paths, sanitises to a path that resolves inside the root;
     * the files are really created, and afterwards nothing exists outside the root.
     */
    @Test
    void noHostilePathEscapesTheRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        List<String> names = hostileNames();
        List<List<String>> paths = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            paths.add(List.of(names.get(i)));
            paths.add(List.of(names.get(i), names.get((i * 7 + 3) % names.size()), "f" + i));
            paths.add(List.of("..", "..", names.get(i)));
        }
        List<List<String>> safe = new ArrayList<>();
        for (List<String> p : paths) {
            List<String> s = PathSanitizer.sanitizePath(p, 255);
            if (!s.isEmpty()) {
                safe.add(s);
            }
        }
        safe = PathSanitizer.deduplicate(safe, Integer.MAX_VALUE);
        Path realRoot = root.toRealPath();
        int created = 0;
        for (List<String> s : safe) {
            Path target = PathSanitizer.resolve(root, s);
            assertTrue(target.startsWith(root.toAbsolutePath()), target.toString());
            Files.createDirectories(target.getParent());
            if (!Files.isDirectory(target)) {
                Files.write(target, new byte[0]);
                created++;
            }
            assertTrue(target.toRealPath().startsWith(realRoot), target.toString());
        }
        assertTrue(created > 500, "created " + created);
        try (Stream<Path> outside = Files.list(tmp)) {
            assertEquals(List.of(root), outside.toList(), "nothing may appear next to the root");
        }
    }
}
