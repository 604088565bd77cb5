package io.hivemind.bt.wire.metainfo;

import io.hivemind.bt.wire.metainfo.MetainfoException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the file names a torrent, a magnet {@code dn}, or an RPC rename proposes into names that are safe to create
 * below a download directory, so that no input can write outside it (HARDENING.md "File names").
 *
 * <p>Implementation note. Names are sanitised rather than rejected wherever a safe name can be derived
 * deterministically (the same input gives the same name on every machine, which keeps resume data and
 * cross-seeding working). One path component goes through these steps:
 * <ol>
 *   <li>code points are filtered: C0/C1 controls (NUL included), format characters (zero-width characters, bidi
 *       embeddings, overrides and isolates, the BOM, language tags), line and paragraph separators, lone
 *       surrogates, noncharacters, variation selectors and the invisible Hangul fillers are removed; every other
 *       space separator (no-break space, ideographic space…) becomes U+0020; {@code /} and {@code \} become
 *       {@code _};</li>
 *   <li>trailing dots and spaces are removed (Windows drops them silently, and it turns {@code .} and
 *       {@code ..} into the empty name);</li>
 *   <li>Windows device names ({@code CON}, {@code PRN}, {@code AUX}, {@code NUL}, {@code COM0}–{@code COM9},
 *       {@code LPT0}–{@code LPT9}, their superscript-digit forms, {@code CONIN$}, {@code CONOUT$}, in any case and
 *       with any extension) get a leading {@code _};</li>
 *   <li>a name longer than the byte limit (255 UTF-8 bytes by default) is cut at a code point boundary, keeping a
 *       short extension;</li>
 *   <li>steps 2–4 repeat until nothing changes.</li>
 * </ol>
 * A component that ends up empty is dropped from its path; a path with no component left cannot be made safe and
 * is rejected by the caller ({@link MetainfoException.Reason#UNSAFE_PATH}). {@link #deduplicate} then renames
 * files whose paths collide ({@code name.1.ext}, compared case-insensitively because many file systems are), and
 * {@link #resolve} joins a sanitised path to a root with a final lexical containment check. Checking the real path
 * at open time (symbolic links on disk) remains the storage's job.
 *
 * <p>The characters {@code < > : " | ? *}, which Windows refuses, are kept: they are harmless on the POSIX systems
 * hivebt targets, and {@link #resolve} refuses whatever would escape the root on any platform.
 *
 * <p>Stateless and thread-safe.
 */
public final class PathSanitizer {
    /** The default longest component, in UTF-8 bytes (HARDENING.md). */
    public static final int MAX_COMPONENT_BYTES = 255;
    /** Longest extension (dot included, in UTF-8 bytes) kept when a long name is truncated. */
    private static final int MAX_KEPT_EXTENSION_BYTES = 32;
    private static final int MIN_LIMIT = 16;

    private static final Set<String> RESERVED = reservedNames();

    private PathSanitizer() {
    }

    /** Sanitises one component with the default byte limit; returns "" when nothing safe remains. */
    public static String sanitizeComponent(String raw) {
        return sanitizeComponent(raw, MAX_COMPONENT_BYTES);
    }

    /**
     * Sanitises one component (see the class comment); returns "" when nothing safe remains, in which case the
     * caller drops the component.
     *
     * @param maxBytes longest result in UTF-8 bytes, at least 16
     */
    public static String sanitizeComponent(String raw, int maxBytes) {
        if (maxBytes < MIN_LIMIT) {
            throw new IllegalArgumentException("maxBytes must be at least " + MIN_LIMIT + ": " + maxBytes);
        }
        String s = filter(raw);
        for (int round = 0; round < 8; round++) {
            String before = s;
            s = stripTrailingDotsAndSpaces(s);
            if (isReserved(s)) {
                s = "_" + s;
            }
            s = truncate(s, maxBytes);
            if (s.equals(before)) {
                return s;
            }
        }
        // Each round only shortens the name or adds one '_' that makes it unreserved for good, so this is
        // unreachable; returning the stripped form keeps the invariants even so.
        return stripTrailingDotsAndSpaces(s);
    }

    /**
     * Sanitises a component given as raw bytes (bencoded names are bytes): invalid UTF-8 sequences become U+FFFD
     * before the rules of {@link #sanitizeComponent(String, int)} apply.
     */
    public static String sanitizeComponent(byte[] rawUtf8, int maxBytes) {
        return sanitizeComponent(new String(rawUtf8, StandardCharsets.UTF_8), maxBytes);
    }

    /** Sanitises every component and drops the ones that end up empty; the result may be empty. */
    public static List<String> sanitizePath(List<String> components, int maxBytes) {
        List<String> out = new ArrayList<>(components.size());
        for (String c : components) {
            String s = sanitizeComponent(c, maxBytes);
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** True if {@code component} is non-empty and {@link #sanitizeComponent(String)} leaves it unchanged. */
    public static boolean isSafeComponent(String component) {
        return isSafeComponent(component, MAX_COMPONENT_BYTES);
    }

    /** True if {@code component} is non-empty and {@link #sanitizeComponent(String, int)} leaves it unchanged. */
    public static boolean isSafeComponent(String component, int maxBytes) {
        return component != null && !component.isEmpty() && sanitizeComponent(component, maxBytes).equals(component);
    }

    /** True if {@code bytes} is well-formed UTF-8 (no replacement needed). */
    public static boolean isValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Joins sanitised components below {@code root}. Every component must be safe ({@link #isSafeComponent}) and
     * the normalised result must lie strictly inside the normalised root, else {@link IllegalArgumentException}.
     * This is a lexical check: symbolic links already on disk are the caller's to check at open time.
     */
    public static Path resolve(Path root, List<String> components) {
        if (components.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        Path base = root.toAbsolutePath().normalize();
        Path p = base;
        for (String c : components) {
            if (!isSafeComponent(c)) {
                throw new IllegalArgumentException("unsafe path component: " + c);
            }
            Path next = p.resolve(c);
            if (next.getNameCount() != p.getNameCount() + 1 || !next.startsWith(p)) {
                // e.g. a drive-relative or UNC form on Windows; cannot happen on POSIX for a safe component
                throw new IllegalArgumentException("path component does not stay a single name: " + c);
            }
            p = next;
        }
        Path normalized = p.normalize();
        if (!normalized.startsWith(base) || normalized.equals(base)) {
            throw new IllegalArgumentException("path escapes its root: " + String.join("/", components));
        }
        return normalized;
    }

    /**
     * Makes sanitised paths unique, the way a case-insensitive file system sees them, as libtorrent does: directories
     * keep their names, and a file whose path equals a directory of the torrent or an earlier file gets its last
     * component renamed ({@code name.ext} → {@code name.1.ext}, {@code name.2.ext}…). Deterministic: the result
     * depends only on the input order.
     *
     * @param paths      sanitised, non-empty paths (components below the torrent's root)
     * @param maxRenames most renames allowed (HARDENING.md: 500)
     * @return the unique paths, in input order (unchanged lists are the same instances)
     * @throws MetainfoException {@link MetainfoException.Reason#DUPLICATE_PATH} beyond {@code maxRenames}
     */
    public static List<List<String>> deduplicate(List<List<String>> paths, int maxRenames) {
        return deduplicate(paths, maxRenames, MAX_COMPONENT_BYTES);
    }

    /** As {@link #deduplicate(List, int)}, keeping renamed components within {@code maxBytes}. */
    public static List<List<String>> deduplicate(List<List<String>> paths, int maxRenames, int maxBytes) {
        Set<String> dirs = new HashSet<>();
        for (List<String> path : paths) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("empty path");
            }
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < path.size() - 1; i++) {
                if (i > 0) {
                    key.append('/');
                }
                key.append(lower(path.get(i)));
                dirs.add(key.toString());
            }
        }
        Set<String> files = new HashSet<>();
        long renames = 0;
        List<List<String>> out = new ArrayList<>(paths.size());
        for (List<String> path : paths) {
            StringBuilder parent = new StringBuilder();
            for (int i = 0; i < path.size() - 1; i++) {
                if (i > 0) {
                    parent.append('/');
                }
                parent.append(lower(path.get(i)));
            }
            String name = path.getLast();
            String fileKey = childKey(parent, name);
            List<String> result = path;
            if (files.contains(fileKey) || dirs.contains(fileKey)) {
                if (++renames > maxRenames) {
                    throw tooMany(maxRenames);
                }
                name = uniqueName(parent, name, files, dirs, maxBytes, maxRenames);
                List<String> renamed = new ArrayList<>(path);
                renamed.set(path.size() - 1, name);
                result = List.copyOf(renamed);
                fileKey = childKey(parent, name);
            }
            files.add(fileKey);
            out.add(result);
        }
        return out;
    }

    private static MetainfoException tooMany(int maxRenames) {
        return new MetainfoException(Reason.DUPLICATE_PATH,
                "more than " + maxRenames + " files would need renaming because their names collide");
    }

    private static String childKey(StringBuilder parentKey, String comp) {
        return parentKey.isEmpty() ? lower(comp) : parentKey + "/" + lower(comp);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String uniqueName(StringBuilder parentKey, String name, Set<String> files, Set<String> dirs,
                                     int maxBytes, int maxAttempts) {
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot) : "";
        if (utf8Length(ext, 0, ext.length()) > maxBytes / 2) {
            ext = "";
        }
        String stem = ext.isEmpty() ? name : name.substring(0, dot);
        for (long n = 1; n <= Math.min(maxAttempts, 1_000_000L) + 1; n++) {
            String suffix = "." + n + ext;
            String candidate = sanitizeComponent(
                    prefixWithin(stem, maxBytes - utf8Length(suffix, 0, suffix.length())) + suffix, maxBytes);
            String k = childKey(parentKey, candidate);
            if (!files.contains(k) && !dirs.contains(k)) {
                return candidate;
            }
        }
        throw tooMany(maxAttempts);
    }

    private static String filter(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            int cp = raw.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '/' || cp == '\\') {
                sb.append('_');
            } else if (isInvisible(cp)) {
                continue;
            } else if (Character.getType(cp) == Character.SPACE_SEPARATOR) {
                sb.append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    /** Code points that are removed from names: controls, format and other invisible characters. */
    static boolean isInvisible(int cp) {
        int type = Character.getType(cp);
        if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
            return true;
        }
        if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) {
            return true; // noncharacters
        }
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) // variation selectors
                || (cp >= 0x180B && cp <= 0x180F) || cp == 0x034F // Mongolian selectors, grapheme joiner
                || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0; // Hangul fillers
    }

    private static String stripTrailingDotsAndSpaces(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static boolean isReserved(String s) {
        int dot = s.indexOf('.');
        String base = dot >= 0 ? s.substring(0, dot) : s;
        int end = base.length();
        while (end > 0 && base.charAt(end - 1) == ' ') {
            end--;
        }
        base = base.substring(0, end);
        return base.length() >= 3 && base.length() <= 7 && RESERVED.contains(base.toUpperCase(Locale.ROOT));
    }

    private static String truncate(String s, int maxBytes) {
        if (utf8Length(s, 0, s.length()) <= maxBytes) {
            return s;
        }
        int dot = s.lastIndexOf('.');
        String ext = "";
        if (dot > 0) {
            int extBytes = utf8Length(s, dot, s.length());
            if (extBytes <= Math.min(MAX_KEPT_EXTENSION_BYTES, maxBytes / 2)) {
                ext = s.substring(dot);
            }
        }
        String stem = ext.isEmpty() ? s : s.substring(0, dot);
        return prefixWithin(stem, maxBytes - utf8Length(ext, 0, ext.length())) + ext;
    }

    /** The longest prefix of {@code s} ending on a code point boundary whose UTF-8 form fits in {@code budget}. */
    private static String prefixWithin(String s, int budget) {
        int used = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = utf8Bytes(cp);
            if (used + n > budget) {
                break;
            }
            used += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    /** UTF-8 length of {@code s[from, to)}. */
    static int utf8Length(String s, int from, int to) {
        int n = 0;
        int i = from;
        while (i < to) {
            int cp = s.codePointAt(i);
            n += utf8Bytes(cp);
            i += Character.charCount(cp);
        }
        return n;
    }

    private static int utf8Bytes(int cp) {
        if (cp < 0x80) {
            return 1;
        }
        if (cp < 0x800) {
            return 2;
        }
        if (cp < 0x10000) {
            return 3; // lone surrogates are filtered before this is used on names
        }
        return 4;
    }

    private static Set<String> reservedNames() {
        Set<String> s = new HashSet<>(List.of("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"));
        for (String dev : List.of("COM", "LPT")) {
            for (char d = '0'; d <= '9'; d++) {
                s.add(dev + d);
            }
            s.add(dev + '\u00B9');
            s.add(dev + '\u00B2');
            s.add(dev + '\u00B3');
        }
        return Set.copyOf(s);
    }
}
