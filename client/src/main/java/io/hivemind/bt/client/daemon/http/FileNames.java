package io.hivemind.bt.client.daemon.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sanitises file names that come from users (uploaded file names, torrent names for the data of a created torrent),
 * following HARDENING.md "File names": sanitise rather than reject where a name is merely odd. Stateless and
 * thread-safe.
 *
 * <p>A component loses control characters (C0, DEL, C1), invisible and bidirectional formatting characters
 * (zero-width spaces and joiners, BOM, LRM/RLM, embeddings, overrides and isolates, which can disguise
 * {@code exe.txt} as {@code txt.exe}), path separators and the characters Windows forbids; leading and trailing
 * spaces and trailing dots go; {@code .} and {@code ..} vanish; Windows device names ({@code CON}, {@code com1.txt}
 * …) get a {@code _} prefix; and the result is cut to 255 UTF-8 bytes keeping its extension.
 */
public final class FileNames {
    /** Longest component after sanitising, in UTF-8 bytes. */
    public static final int MAX_COMPONENT_BYTES = 255;
    /** Deepest relative path accepted for an uploaded file. */
    public static final int MAX_DEPTH = 100;

    private static final Set<String> RESERVED = Set.of("con", "prn", "aux", "nul", "com1", "com2", "com3", "com4",
            "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8",
            "lpt9", "conin$", "conout$");

    private FileNames() {
    }

    /** The safe form of one path component, or null when nothing usable is left. */
    public static String component(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        raw.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || isInvisible(cp)) {
                return;
            }
            if (cp == '/' || cp == '\\' || cp == ':' || cp == '*' || cp == '?' || cp == '"' || cp == '<' || cp == '>'
                    || cp == '|') {
                sb.append('_');
            } else {
                sb.appendCodePoint(cp);
            }
        });
        String s = sb.toString().strip();
        while (s.endsWith(".") || s.endsWith(" ")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
            return null;
        }
        String stem = s.indexOf('.') >= 0 ? s.substring(0, s.indexOf('.')) : s;
        if (RESERVED.contains(stem.toLowerCase(Locale.ROOT).strip())) {
            s = "_" + s;
        }
        return truncate(s);
    }

    /**
     * The safe relative path of an uploaded file name: split on {@code /} and {@code \}, each component sanitised,
     * empty, {@code .} and {@code ..} components dropped. Empty when nothing usable is left.
     */
    public static List<String> relativePath(String raw) {
        List<String> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        for (String part : raw.split("[/\\\\]")) {
            String c = component(part);
            if (c != null) {
                out.add(c);
                if (out.size() > MAX_DEPTH) {
                    return List.of();
                }
            }
        }
        return out;
    }

    private static boolean isInvisible(int cp) {
        return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069)
                || cp == 0xfeff || cp == 0x061c || cp == 0x00ad || (cp >= 0xfff9 && cp <= 0xfffb)
                || Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.UNASSIGNED
                        && cp >= 0xe0000;
    }

    private static String truncate(String s) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_COMPONENT_BYTES) {
            return s;
        }
        int dot = s.lastIndexOf('.');
        String ext = dot > 0 && s.length() - dot <= 16 ? s.substring(dot) : "";
        String stem = ext.isEmpty() ? s : s.substring(0, dot);
        int budget = MAX_COMPONENT_BYTES - ext.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (int i = 0; i < stem.length(); ) {
            int cp = stem.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + n > budget) {
                break;
            }
            sb.appendCodePoint(cp);
            used += n;
            i += Character.charCount(cp);
        }
        return sb + ext;
    }
}
