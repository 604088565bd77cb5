package io.hivemind.bt.client.distribution;

import java.util.regex.Pattern;

/** Syntax of the names that end up in DHT salts, URLs and directory names. Stateless. */
final class Names {
    /** Channel names and task ids: safe as a path component, a URL segment and (with a prefix) a BEP 44 salt. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,47}");

    private Names() {
    }

    static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    static String requireName(String s, String what) {
        if (!isName(s)) {
            throw new IllegalArgumentException(what + " is 1-48 characters of A-Z a-z 0-9 . _ - (not starting with a "
                    + "dot): " + (s == null ? "null" : shorten(s)));
        }
        return s;
    }

    static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
